#!/usr/bin/env bash
# Runs everything locally: builds the package, starts the four services on loopback with their data under ./data,
# waits until each answers a gRPC health check, prints where they listen, and keeps running until Ctrl-C (SIGINT)
# or SIGTERM, which it forwards to the services before waiting for their clean exit.
#
#   deploy/run-local.sh                     release build, then run
#   deploy/run-local.sh --debug             debug build
#   deploy/run-local.sh --foreground-logs   also print the services' logs here, each line prefixed with the service
#   deploy/run-local.sh --no-build          use what the last build left (no bootstrap, no swift build)
#
# Environment:
#   CYBERPORT_IDENTITY_PORT / _DEALS_PORT / _NACCS_PORT / _STATS_PORT   ports (default 50051 / 50052 / 50053 / 50054)
#   CYBERPORT_HOST              address to listen on (default 127.0.0.1)
#   CYBERPORT_DATA_DIR          data root (default ./data); service data in <root>/<service>, logs in <root>/logs
#   CYBERPORT_BUILD_PATH        SwiftPM scratch path (default .build)
#   CYBERPORT_STARTUP_TIMEOUT   seconds each service gets to answer SERVING (default 60)
#   CYBERPORT_DEALS_SERVICE_CREDENTIAL / CYBERPORT_STATS_SERVICE_CREDENTIAL / CYBERPORT_NACCS_SERVICE_CREDENTIAL
#                               the services' credentials; default: made once as the operator (Identity starts first)
#                               and kept in <data root>/<service>-service-credential
#   CYBERPORT_NACCS_KEY_ENCRYPTION_KEY
#                               seals NACCS passwords at rest; default: made once, kept in <data root>/naccs-key-encryption-key
#   CYBERPORT_NACCS_SIMULATOR_PORT (default 50090), CYBERPORT_NACCS_SIMULATOR_USERS_FILE
#                               the NACCS simulator the relay talks to, and the NACCS users it accepts (default: written
#                               once to <data root>/naccs-simulator-users.txt with the README walkthrough's users)
#   CYBERPORT_IDENTITY_OPERATOR_EMAIL / _OPERATOR_PASSWORD
#                               the platform operator account Identity creates on first start (default
#                               operator@cyberport.localhost with a random password kept in <data root>/operator-password)
#   CYBERPORT_SHUTDOWN_GRACE, CYBERPORT_LOG_LEVEL, CYBERPORT_LOG_FORMAT, ...  passed through to the services
#                               (every service flag has such a variable; see README.md, "Configuration")
# Debian packages come from scripts/bootstrap.sh, which this script runs first (it installs only what is missing).
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

configuration=release
build=1
foreground_logs=0
for arg in "$@"; do
  case "$arg" in
    --debug) configuration=debug ;;
    --release) configuration=release ;;
    --no-build) build=0 ;;
    --foreground-logs) foreground_logs=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-local: unknown option $arg (see --help)" >&2; exit 64 ;;
  esac
done

SERVICES=(identity deals naccs stats)
declare -A DEFAULT_PORT=([identity]=50051 [deals]=50052 [naccs]=50053 [stats]=50054)
HOST="${CYBERPORT_HOST:-127.0.0.1}"
DATA_ROOT="${CYBERPORT_DATA_DIR:-$ROOT/data}"
LOG_DIR="$DATA_ROOT/logs"
BUILD_PATH="${CYBERPORT_BUILD_PATH:-$ROOT/.build}"
STARTUP_TIMEOUT="${CYBERPORT_STARTUP_TIMEOUT:-60}"

say() { printf '==> run-local: %s\n' "$*"; }
fail() { printf 'run-local: %s\n' "$*" >&2; exit 1; }

# The script passes --data-dir <root>/<service> to each service; the variable would only confuse the children.
unset CYBERPORT_DATA_DIR

declare -A PORT
for service in "${SERVICES[@]}"; do
  var="CYBERPORT_${service^^}_PORT"
  port="${!var:-${DEFAULT_PORT[$service]}}"
  [[ "$port" =~ ^[0-9]+$ ]] && (( port > 0 && port < 65536 )) || fail "$var=$port is not a port number 1-65535"
  PORT[$service]=$port
done

# Where a health check dials: a wildcard listen address is reached through loopback.
case "$HOST" in
  0.0.0.0|'') DIAL_HOST=127.0.0.1 ;;
  ::|'[::]') DIAL_HOST='[::1]' ;;
  *:*) DIAL_HOST="[${HOST#[}"; DIAL_HOST="${DIAL_HOST%]}]" ;;
  *) DIAL_HOST=$HOST ;;
esac

# --- build -----------------------------------------------------------------------------------------------------
command -v swift >/dev/null || fail "swift is not on PATH: install the Swift 6.x toolchain first"
if (( build )); then
  if [[ -f scripts/bootstrap.sh ]]; then
    bash scripts/bootstrap.sh
  fi
  say "swift build -c $configuration (scratch path $BUILD_PATH)"
  swift build -c "$configuration" --scratch-path "$BUILD_PATH"
fi
BIN="$(swift build -c "$configuration" --scratch-path "$BUILD_PATH" --show-bin-path)"
for exe in cyberport naccs-simulator "${SERVICES[@]/#/cyberport-}"; do
  [[ -x "$BIN/$exe" ]] || fail "$BIN/$exe is missing: run without --no-build"
done
CLI="$BIN/cyberport"

# --- start -----------------------------------------------------------------------------------------------------
for service in "${SERVICES[@]}"; do
  if (exec 3<>"/dev/tcp/${DIAL_HOST//[\[\]]/}/${PORT[$service]}") 2>/dev/null; then
    fail "port ${PORT[$service]} ($service) is already in use; set CYBERPORT_${service^^}_PORT to another port"
  fi
done

mkdir -p "$LOG_DIR"

# The platform operator account (approves companies). Created by Identity on first start; never changed afterwards.
export CYBERPORT_IDENTITY_OPERATOR_EMAIL="${CYBERPORT_IDENTITY_OPERATOR_EMAIL:-operator@cyberport.localhost}"
if [[ -z "${CYBERPORT_IDENTITY_OPERATOR_PASSWORD:-}" ]]; then
  password_file="$DATA_ROOT/operator-password"
  if [[ ! -s "$password_file" ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' | sed 's/$/-7a/' > "$password_file")
  fi
  CYBERPORT_IDENTITY_OPERATOR_PASSWORD="$(cat "$password_file")"
  export CYBERPORT_IDENTITY_OPERATOR_PASSWORD
fi

declare -A PID
TAIL_PIDS=()
stopping=0

# SIGTERM to every running service, then wait for each. Exits with $2 (default 0), or 1 if a service did not exit 0.
stop_all() {
  local reason=$1 status=${2:-0} service code
  (( stopping )) && return
  stopping=1
  trap '' INT TERM
  say "$reason: stopping the services (SIGTERM; each drains running calls within its grace period)"
  for service in "${!PID[@]}"; do kill -TERM "${PID[$service]}" 2>/dev/null || true; done
  for service in "${SERVICES[@]}" naccs-simulator; do
    [[ -n "${PID[$service]:-}" ]] || continue
    code=0
    wait "${PID[$service]}" || code=$?
    if (( code == 0 )); then
      say "$service stopped (exit 0)"
    else
      say "$service exited with status $code (log: $LOG_DIR/$service.log)"
      status=1
    fi
  done
  if (( ${#TAIL_PIDS[@]} )); then
    sleep 0.2   # let the log followers print the last lines
    kill "${TAIL_PIDS[@]}" 2>/dev/null || true
    wait "${TAIL_PIDS[@]}" 2>/dev/null || true
  fi
  exit "$status"
}
trap 'stop_all "SIGINT"' INT
trap 'stop_all "SIGTERM"' TERM

start_service() {
  local service=$1 log="$LOG_DIR/$1.log"
  [[ -s "$log" ]] && mv -f "$log" "$log.1"   # the previous run's log stays one run
  : > "$log"
  "$BIN/cyberport-$service" --host "$HOST" --port "${PORT[$service]}" --data-dir "$DATA_ROOT/$service" \
    >>"$log" 2>&1 </dev/null &
  PID[$service]=$!
  if (( foreground_logs )); then
    # Both ignore Ctrl-C (which reaches the whole process group) so that the services' last lines still show.
    (trap '' INT; exec tail -n +1 -F "$log" 2>/dev/null) > >(trap '' INT; exec sed -u "s/^/[$service] /") &
    TAIL_PIDS+=($!)
  fi
}

# --- wait for health -----------------------------------------------------------------------------------------------
wait_healthy() {
  local service=$1 address="$DIAL_HOST:${PORT[$1]}" deadline code
  deadline=$((SECONDS + STARTUP_TIMEOUT))
  until "$CLI" health --address "$address" --timeout 2s >/dev/null 2>&1; do
    if ! kill -0 "${PID[$service]}" 2>/dev/null; then
      code=0; wait "${PID[$service]}" || code=$?
      unset "PID[$service]"
      printf 'run-local: %s exited with status %d during start-up; its log (%s):\n' \
        "$service" "$code" "$LOG_DIR/$service.log" >&2
      tail -n 20 "$LOG_DIR/$service.log" | sed 's/^/    /' >&2
      stop_all "start-up failed" 1
    fi
    if (( SECONDS >= deadline )); then
      printf 'run-local: %s did not answer SERVING on %s within %d s\n' "$service" "$address" "$STARTUP_TIMEOUT" >&2
      stop_all "start-up failed" 1
    fi
    sleep 0.2
  done
}

# Identity first: Deals verifies tokens with its keys and starts only when it is reachable.
start_service identity
wait_healthy identity

# The service credentials of Deals, Stats and Naccs (API keys with service_name "deals", "stats" and "naccs" on the
# platform organization), made once as the operator through the CLI and kept in <data root>/<service>-service-credential (0600).
# Deals needs its credential to look organizations up in Identity; Stats needs its own to read Deals' container
# movement feed; Naccs to write issued numbers back to deals and to read webhook targets.
session_file="$DATA_ROOT/operator-session.json"
identity_address="$DIAL_HOST:${PORT[identity]}"
operator_logged_in=0
# Makes a service credential for service $1 (display name $2) and sets new_key to its key. Runs in this shell (not
# in a command substitution), so that stop_all can stop the services.
new_key=""
make_service_credential() {
  local service=$1 display=$2 platform_org response
  if (( ! operator_logged_in )); then
    CYBERPORT_SESSION_FILE="$session_file" CYBERPORT_PASSWORD="$CYBERPORT_IDENTITY_OPERATOR_PASSWORD" \
      "$CLI" login --address "$identity_address" --email "$CYBERPORT_IDENTITY_OPERATOR_EMAIL" >/dev/null \
      || stop_all "operator login failed (is $CYBERPORT_IDENTITY_OPERATOR_EMAIL's password the one Identity was first started with?)" 1
    operator_logged_in=1
  fi
  platform_org="$(CYBERPORT_SESSION_FILE="$session_file" "$CLI" whoami --address "$identity_address" --json \
    | sed -n 's/.*"organization" *: *"\([^"]*\)".*/\1/p' | head -n 1)"
  [[ -n "$platform_org" ]] || stop_all "cannot tell the operator's organization (cyberport whoami --json)" 1
  response="$(CYBERPORT_SESSION_FILE="$session_file" "$CLI" call --address "$identity_address" \
    ApiKeyService/CreateApiKey \
    -d "{\"parent\": \"$platform_org\", \"apiKey\": {\"displayName\": \"$display service\", \"serviceName\": \"$service\"}}")" \
    || stop_all "creating the $display service credential failed" 1
  new_key="$(printf '%s' "$response" | sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p' | head -n 1)"
  [[ -n "$new_key" ]] || stop_all "the CreateApiKey answer holds no key" 1
}
for service in deals stats naccs; do
  var="CYBERPORT_${service^^}_SERVICE_CREDENTIAL"
  credential_file="$DATA_ROOT/$service-service-credential"
  if [[ -z "${!var:-}" && ! -s "$credential_file" ]]; then
    say "creating the ${service^} service credential (as the operator)"
    make_service_credential "$service" "${service^}"
    (umask 077; printf '%s\n' "$new_key" > "$credential_file")
  fi
  if [[ -z "${!var:-}" ]]; then
    printf -v "$var" '%s' "$(cat "$credential_file")"
  fi
  export "$var"
done
if (( operator_logged_in )); then
  CYBERPORT_SESSION_FILE="$session_file" "$CLI" logout --address "$identity_address" >/dev/null 2>&1 || true
  rm -f "$session_file"
fi
export CYBERPORT_DEALS_IDENTITY_ADDRESS="$DIAL_HOST:${PORT[identity]}"
export CYBERPORT_STATS_IDENTITY_ADDRESS="$DIAL_HOST:${PORT[identity]}"
export CYBERPORT_STATS_DEALS_ADDRESS="$DIAL_HOST:${PORT[deals]}"
export CYBERPORT_NACCS_IDENTITY_ADDRESS="$DIAL_HOST:${PORT[identity]}"
export CYBERPORT_NACCS_DEALS_ADDRESS="$DIAL_HOST:${PORT[deals]}"

# The NACCS simulator (Tools/NaccsSimulator) plays NACCS for the relay; its users are the walkthrough's.
SIMULATOR_PORT="${CYBERPORT_NACCS_SIMULATOR_PORT:-50090}"
users_file="${CYBERPORT_NACCS_SIMULATOR_USERS_FILE:-$DATA_ROOT/naccs-simulator-users.txt}"
if [[ ! -s "$users_file" ]]; then
  (umask 077; printf '%s\n' '# userCode identificationNumber password [mailAddress] (the README walkthrough registers these)' \
    'CAR01 001 Carr1erP carrier@example.jp' 'FWD01 001 Forw4rdr forwarder@example.jp' \
    'TRM01 002 Term1nal terminal@example.jp' 'BRK01 001 Brok3rPw broker@example.jp' > "$users_file")
fi
kek_file="$DATA_ROOT/naccs-key-encryption-key"
if [[ -z "${CYBERPORT_NACCS_KEY_ENCRYPTION_KEY:-}" ]]; then
  [[ -s "$kek_file" ]] || (umask 077; head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' > "$kek_file")
  CYBERPORT_NACCS_KEY_ENCRYPTION_KEY="$(cat "$kek_file")"
fi
export CYBERPORT_NACCS_KEY_ENCRYPTION_KEY
export CYBERPORT_NACCS_LINK_ADDRESS="$DIAL_HOST:$SIMULATOR_PORT"
simulator_log="$LOG_DIR/naccs-simulator.log"
[[ -s "$simulator_log" ]] && mv -f "$simulator_log" "$simulator_log.1"
"$BIN/naccs-simulator" --host "$DIAL_HOST" --port "$SIMULATOR_PORT" --users-file "$users_file" >>"$simulator_log" 2>&1 </dev/null &
PID[naccs-simulator]=$!

for service in deals naccs stats; do start_service "$service"; done
for service in deals naccs stats; do wait_healthy "$service"; done

rel() { [[ "$1" == "$ROOT/"* ]] && printf '%s' "${1#"$ROOT/"}" || printf '%s' "$1"; }
echo
printf '  %-10s %-22s %-8s %s\n' SERVICE ADDRESS PID LOG
for service in "${SERVICES[@]}"; do
  printf '  %-10s %-22s %-8s %s\n' "$service" "$DIAL_HOST:${PORT[$service]}" "${PID[$service]}" \
    "$(rel "$LOG_DIR/$service.log")"
done
printf '  %-10s %-22s %-8s %s\n' "simulator" "$DIAL_HOST:$SIMULATOR_PORT" "${PID[naccs-simulator]}" "$(rel "$simulator_log")"
echo
say "all four services answer SERVING; data under $(rel "$DATA_ROOT")/<service>. Ctrl-C stops them."
say "try: $(rel "$CLI") list --address $DIAL_HOST:${PORT[identity]}"
if [[ -n "${password_file:-}" ]]; then
  say "operator: $CYBERPORT_IDENTITY_OPERATOR_EMAIL, password in $(rel "$password_file")"
fi
echo

# --- run until a signal, or until a service dies -----------------------------------------------------------------------
while :; do
  code=0
  unset exited
  wait -n -p exited "${PID[@]}" || code=$?
  (( stopping )) && break
  [[ -n "${exited:-}" ]] || continue   # interrupted by a signal whose trap has run
  for service in "${SERVICES[@]}" naccs-simulator; do
    if [[ "${PID[$service]:-}" == "$exited" ]]; then
      unset "PID[$service]"
      if (( code == 0 )); then   # it was stopped by someone else (e.g. a signal to the whole process group)
        stop_all "$service stopped (exit 0)"
      else
        stop_all "$service exited unexpectedly with status $code (log: $(rel "$LOG_DIR/$service.log"))" 1
      fi
    fi
  done
done
