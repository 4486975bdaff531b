#!/usr/bin/env bash
# Installs the Debian packages a fresh Debian 12 machine (with Swift already on PATH) needs to build and test
# Cyber Port Open. Idempotent: packages already installed are left alone, and `apt-get update` runs only when
# something is missing. Works as root or through sudo. Usage: scripts/bootstrap.sh
set -euo pipefail

PACKAGES=(
  libnghttp2-dev        # HTTP/2 (Sources/CNGHTTP2)
  libprotobuf-c-dev     # protobuf-c runtime (Sources/CPortProtocol)
  protobuf-c-compiler   # protoc-c, to regenerate the C protocol module
  protobuf-compiler     # protoc
  libprotobuf-dev       # google/protobuf/*.proto includes
  nghttp2-client        # nghttp / h2load, for manual checks and benchmarks
  pkg-config
  libsqlite3-dev        # SQLite, the embedded database (Sources/CSQLite)
  libpq-dev             # PostgreSQL client library (Sources/CLibPQ)
  postgresql            # PostgreSQL server, for the PostgreSQL run of the storage and Identity suites
  libsodium-dev         # Ed25519, Argon2id, HMAC, secure random (Sources/CSodium)
  libcurl4-openssl-dev  # HTTP(S) client for webhook deliveries (Sources/CCurl)
  python3
  python3-venv          # scripts/test.sh creates .venv for the Python interop suite
)

log() { printf '==> bootstrap: %s\n' "$*"; }

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
  if ! sudo -n true 2>/dev/null; then
    SUDO=(sudo)   # may prompt for a password when run by hand
  fi
else
  SUDO=()
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all ${#PACKAGES[@]} Debian packages already installed"
else
  if [[ "$(id -u)" -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    log "missing packages: ${missing[*]}; run as root or install sudo" >&2
    exit 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if command -v swift >/dev/null 2>&1; then
  log "$(swift --version 2>&1 | head -n 1)"
else
  log "warning: swift is not on PATH; install the Swift 6.x toolchain (it is not a Debian package)" >&2
fi
log "done"
