/*
 * CPortProtocol: the protoc-c generated protocol module plus the arena it is used with. This umbrella header is
 * what Swift imports (see module.modulemap).
 */
#ifndef CP_PROTOCOL_H
#define CP_PROTOCOL_H

/* Generated Swift still converts fields the .proto files mark deprecated; without this, every such access would be a
 * Swift deprecation warning. (The C sources compile with the attribute; it changes nothing in the layout.) */
#ifndef PROTOBUF_C__NO_DEPRECATED
#define PROTOBUF_C__NO_DEPRECATED 1
#endif
#include <protobuf-c/protobuf-c.h>

#include "cp_arena.h"
#include "cp_descriptor_set.h"
#include "cp_message_descriptors.h"

#endif /* CP_PROTOCOL_H */
