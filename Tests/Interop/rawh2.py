"""Raw HTTP/2 clients for the protocol-level tests.

* `H2Client` drives the `h2` state machine over a plain socket: well-formed requests with hand-picked headers and
  bodies (wrong content-types, malformed gRPC framing, oversized declarations).
* `RawH2` writes frames with `hyperframe` and `hpack` directly, bypassing every client-side check, for the abuse
  tests (rapid reset, invalid frames, floods, garbage instead of the preface).  Every loop in those tests is bounded
  in count and time; all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import select
import socket
import time
import urllib.parse
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
import hpack
from h2.errors import ErrorCodes
from hyperframe.frame import (
    ContinuationFrame,
    DataFrame,
    Frame,
    GoAwayFrame,
    HeadersFrame,
    PingFrame,
    RstStreamFrame,
    SettingsFrame,
    WindowUpdateFrame,
)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def error_name(code: int | None) -> str:
    if code is None:
        return "None"
    try:
        return f"{ErrorCodes(code).name}({code})"
    except ValueError:
        return f"unknown({code})"


def grpc_request_headers(port: int, path: str, content_type: str | None = "application/grpc", extra=()) -> list:
    headers = [
        (":method", "POST"),
        (":scheme", "http"),
        (":path", path),
        (":authority", f"127.0.0.1:{port}"),
    ]
    if content_type is not None:
        headers.append(("content-type", content_type))
    headers.append(("te", "trailers"))
    headers.extend(extra)
    return headers


@dataclass
class StreamResult:
    stream_id: int
    headers: dict[str, bytes] = field(default_factory=dict)
    trailers: dict[str, bytes] = field(default_factory=dict)
    data: bytes = b""
    ended: bool = False
    reset_code: int | None = None
    goaway_code: int | None = None
    connection_closed: bool = False

    @property
    def http_status(self) -> int | None:
        value = self.headers.get(":status")
        return int(value) if value is not None else None

    def _grpc(self, name: str) -> bytes | None:
        # A trailers-only response carries grpc-status in the (only) HEADERS frame.
        if name in self.trailers:
            return self.trailers[name]
        return self.headers.get(name)

    @property
    def grpc_status(self) -> int | None:
        value = self._grpc("grpc-status")
        return int(value) if value is not None else None

    @property
    def grpc_message_raw(self) -> bytes | None:
        return self._grpc("grpc-message")

    @property
    def grpc_message(self) -> str | None:
        raw = self.grpc_message_raw
        return None if raw is None else urllib.parse.unquote(raw.decode("ascii", "replace"), errors="replace")

    def summary(self) -> str:
        return (
            f"stream {self.stream_id}: headers={self.headers} trailers={self.trailers} data={len(self.data)} bytes "
            f"ended={self.ended} reset={error_name(self.reset_code)} goaway={error_name(self.goaway_code)} "
            f"closed={self.connection_closed}"
        )


class H2Client:
    """A minimal h2 client over a blocking socket with a select()-driven read loop."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        config = h2.config.H2Configuration(client_side=True, header_encoding=None)
        self.conn = h2.connection.H2Connection(config=config)
        self.conn.initiate_connection()
        # A big receive window so that large responses are not throttled by us.
        self.conn.increment_flow_control_window(2**30)
        self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2**30})
        self.results: dict[int, StreamResult] = {}
        self.closed = False
        self.goaway_code: int | None = None
        self._flush()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def _result(self, stream_id: int) -> StreamResult:
        return self.results.setdefault(stream_id, StreamResult(stream_id))

    def start_request(self, headers: list, end_stream: bool = False) -> int:
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, headers, end_stream=end_stream)
        self._result(stream_id)
        self._flush()
        return stream_id

    def send_data(self, stream_id: int, data: bytes, end_stream: bool = False) -> None:
        # Respect frame size and flow control; waits for WINDOW_UPDATEs as needed.
        offset = 0
        while True:
            chunk_max = min(self.conn.max_outbound_frame_size, self.conn.local_flow_control_window(stream_id))
            if chunk_max <= 0:
                self.pump(0.5)
                if self.closed or self._result(stream_id).ended or self._result(stream_id).reset_code is not None:
                    return
                continue
            chunk = data[offset : offset + chunk_max]
            offset += len(chunk)
            last = offset >= len(data)
            self.conn.send_data(stream_id, chunk, end_stream=end_stream and last)
            self._flush()
            if last:
                return

    def end_stream(self, stream_id: int) -> None:
        self.conn.end_stream(stream_id)
        self._flush()

    def pump(self, timeout: float) -> None:
        """Reads and handles what arrives within `timeout` seconds (returns after the first read)."""
        if self.closed:
            return
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return
        try:
            data = self.sock.recv(1 << 20)
        except OSError:
            data = b""
        if not data:
            self.closed = True
            for r in self.results.values():
                r.connection_closed = True
            return
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.closed = True
            return
        for event in events:
            self._handle(event)
        self._flush()

    def _handle(self, event) -> None:
        if isinstance(event, h2.events.ResponseReceived):
            self._result(event.stream_id).headers.update({k.decode(): v for k, v in event.headers})
        elif isinstance(event, h2.events.TrailersReceived):
            self._result(event.stream_id).trailers.update({k.decode(): v for k, v in event.headers})
        elif isinstance(event, h2.events.InformationalResponseReceived):
            pass
        elif isinstance(event, h2.events.DataReceived):
            r = self._result(event.stream_id)
            r.data += event.data
            if event.flow_controlled_length:
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            self._result(event.stream_id).ended = True
        elif isinstance(event, h2.events.StreamReset):
            self._result(event.stream_id).reset_code = int(event.error_code)
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.goaway_code = int(event.error_code)
            for r in self.results.values():
                r.goaway_code = self.goaway_code

    def wait(self, stream_id: int, timeout: float = 10.0) -> StreamResult:
        """Waits until the stream ended, was reset, or the connection ended; returns what was seen so far."""
        r = self._result(stream_id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if r.ended or r.reset_code is not None or self.closed or self.goaway_code is not None:
                # Give a GOAWAY/RST that follows a trailers frame a moment to arrive too.
                self.pump(0.05)
                return r
            self.pump(min(0.2, max(0.0, deadline - time.monotonic())))
        return r

    def request(
        self,
        path: str,
        body: bytes | None,
        content_type: str | None = "application/grpc",
        extra=(),
        timeout: float = 10.0,
    ) -> StreamResult:
        headers = grpc_request_headers(self.port, path, content_type, extra)
        if body is None:
            sid = self.start_request(headers, end_stream=True)
        else:
            sid = self.start_request(headers)
            self.send_data(sid, body, end_stream=True)
        return self.wait(sid, timeout)


# --------------------------------------------------------------------------------------------------------------------


@dataclass
class RawEvents:
    goaway: list = field(default_factory=list)  # (error_code, last_stream_id, debug_data)
    rst: dict = field(default_factory=dict)  # stream_id -> error code
    ping_acks: int = 0
    pings_received: int = 0  # PINGs the server sent (not ACKs)
    headers_blocks: list = field(default_factory=list)  # (stream_id, decoded header list)
    frames: int = 0
    settings: dict = field(default_factory=dict)  # the server's SETTINGS, merged
    closed: bool = False
    reset_by_peer: bool = False


class RawH2:
    """Frames written by hand: no client-side validation whatsoever."""

    def __init__(self, port: int, preface: bool = True, timeout: float = 10.0, ack_pings: bool = True):
        self.port = port
        self.ack_pings = ack_pings  # False: leave the server's keepalive PINGs unanswered
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 20
        self.events = RawEvents()
        self._buf = bytearray()
        self._header_fragments: dict[int, bytearray] = {}
        if preface:
            self.send_bytes(
                PREFACE
                + SettingsFrame(0, settings={SettingsFrame.INITIAL_WINDOW_SIZE: 2**30}).serialize()
                + WindowUpdateFrame(0, window_increment=2**30 - 65535).serialize()
            )

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def ended(self) -> bool:
        """The server ended the connection: a GOAWAY arrived, or the socket was closed/reset."""
        return bool(self.events.goaway) or self.events.closed

    def send_bytes(self, data: bytes) -> bool:
        if self.events.closed:
            return False
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            self.events.closed = True
            self.events.reset_by_peer = True
            return False

    def send(self, *frames: Frame) -> bool:
        return self.send_bytes(b"".join(f.serialize() for f in frames))

    # ---- frame builders

    def headers_frame(self, stream_id: int, headers: list, end_stream: bool = False) -> HeadersFrame:
        flags = {"END_HEADERS"} | ({"END_STREAM"} if end_stream else set())
        return HeadersFrame(stream_id, data=self.encoder.encode(headers), flags=flags)

    def grpc_headers(self, stream_id: int, path: str, end_stream: bool = False, extra=()) -> HeadersFrame:
        return self.headers_frame(stream_id, grpc_request_headers(self.port, path, extra=extra), end_stream)

    @staticmethod
    def rst(stream_id: int, code: int = ErrorCodes.CANCEL) -> RstStreamFrame:
        return RstStreamFrame(stream_id, error_code=int(code))

    @staticmethod
    def data(stream_id: int, payload: bytes, end_stream: bool = False) -> DataFrame:
        return DataFrame(stream_id, data=payload, flags={"END_STREAM"} if end_stream else set())

    @staticmethod
    def window_update(stream_id: int, increment: int) -> WindowUpdateFrame:
        # hyperframe validates the increment on serialize(); write the frame by hand so 0 can be sent.
        return _RawWindowUpdate(stream_id, increment)

    @staticmethod
    def ping(opaque: bytes = b"\0" * 8) -> PingFrame:
        return PingFrame(0, opaque_data=opaque)

    @staticmethod
    def continuation(stream_id: int, block: bytes, end_headers: bool = False) -> ContinuationFrame:
        return ContinuationFrame(stream_id, data=block, flags={"END_HEADERS"} if end_headers else set())

    # ---- reading

    def pump(self, timeout: float = 0.0, max_reads: int = 64) -> None:
        """Reads what is available (waiting up to `timeout` for the first bytes) and records the frames."""
        for i in range(max_reads):
            if self.events.closed:
                return
            ready, _, _ = select.select([self.sock], [], [], timeout if i == 0 else 0)
            if not ready:
                return
            try:
                data = self.sock.recv(1 << 20)
            except ConnectionResetError:
                self.events.closed = True
                self.events.reset_by_peer = True
                return
            except OSError:
                self.events.closed = True
                return
            if not data:
                self.events.closed = True
                return
            self._buf += data
            self._parse()

    def wait_until(self, predicate, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.events.closed:
                return predicate()
            self.pump(min(0.1, max(0.0, deadline - time.monotonic())))
        return predicate()

    def wait_closed(self, timeout: float) -> bool:
        """Reads (and discards) until the server closes the socket; True if it did within `timeout`."""
        return self.wait_until(lambda: self.events.closed, timeout)

    def _parse(self) -> None:
        while len(self._buf) >= 9:
            frame, length = Frame.parse_frame_header(memoryview(bytes(self._buf[:9])))
            if len(self._buf) < 9 + length:
                return
            body = bytes(self._buf[9 : 9 + length])
            del self._buf[: 9 + length]
            frame.parse_body(memoryview(body))
            self.events.frames += 1
            self._on_frame(frame)

    def _on_frame(self, frame) -> None:
        if isinstance(frame, SettingsFrame):
            if "ACK" not in frame.flags:
                self.events.settings.update(frame.settings)
                self.send(SettingsFrame(0, flags={"ACK"}))
        elif isinstance(frame, GoAwayFrame):
            self.events.goaway.append((frame.error_code, frame.last_stream_id, bytes(frame.additional_data)))
        elif isinstance(frame, RstStreamFrame):
            self.events.rst[frame.stream_id] = frame.error_code
        elif isinstance(frame, PingFrame):
            if "ACK" in frame.flags:
                self.events.ping_acks += 1
            else:
                self.events.pings_received += 1
                if self.ack_pings:
                    self.send(PingFrame(0, opaque_data=frame.opaque_data, flags={"ACK"}))
        elif isinstance(frame, (HeadersFrame, ContinuationFrame)):
            frag = self._header_fragments.setdefault(frame.stream_id, bytearray())
            frag += frame.data
            if "END_HEADERS" in frame.flags:
                block = bytes(self._header_fragments.pop(frame.stream_id))
                try:
                    decoded = self.decoder.decode(block, raw=True)
                except hpack.HPACKError as exc:
                    decoded = [(b"<hpack-error>", str(exc).encode())]
                self.events.headers_blocks.append((frame.stream_id, decoded))
        elif isinstance(frame, DataFrame):
            # Keep the server's send windows open so that it never blocks on us.
            if frame.flow_controlled_length:
                self.send(WindowUpdateFrame(0, window_increment=frame.flow_controlled_length))

    def goaway_summary(self) -> str:
        if not self.events.goaway:
            return "no GOAWAY" + (
                " (connection reset)"
                if self.events.reset_by_peer
                else " (connection closed)"
                if self.events.closed
                else ""
            )
        return ", ".join(
            f"GOAWAY {error_name(code)} last_stream={last} debug={debug[:80]!r}"
            for code, last, debug in self.events.goaway
        )

    def headers_for(self, stream_id: int) -> dict[bytes, bytes]:
        merged: dict[bytes, bytes] = {}
        for sid, block in self.events.headers_blocks:
            if sid == stream_id:
                merged.update(dict(block))
        return merged


class _RawWindowUpdate(WindowUpdateFrame):
    """A WINDOW_UPDATE whose increment is written as given (0 included)."""

    def __init__(self, stream_id: int, increment: int):
        super().__init__(stream_id)
        self._increment = increment

    def serialize_body(self) -> bytes:
        return (self._increment & 0x7FFFFFFF).to_bytes(4, "big")

    def serialize(self) -> bytes:
        body = self.serialize_body()
        return len(body).to_bytes(3, "big") + bytes([0x08, 0]) + (self.stream_id & 0x7FFFFFFF).to_bytes(4, "big") + body
