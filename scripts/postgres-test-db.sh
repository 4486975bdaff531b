#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the PostgreSQL runs of the storage (and service) test suites, idempotently:
# a cluster running on loopback (created with pg_createcluster when there is none; started with pg_ctlcluster, as
# containers do not start it on install), a login role and a database owned by it. Needs the Debian packages
# `postgresql` and `postgresql-common` (scripts/bootstrap.sh) and root, or sudo to root.
#
#   scripts/postgres-test-db.sh          prints the URL, e.g. postgresql://cyberport:cyberport@127.0.0.1:5432/cyberport_test
#   source scripts/postgres-test-db.sh   also exports CYBERPORT_TEST_POSTGRES_URL
#
# Environment: CYBERPORT_TEST_PG_USER (default cyberport), CYBERPORT_TEST_PG_PASSWORD (cyberport),
# CYBERPORT_TEST_PG_DATABASE (cyberport_test). Each test creates and drops its own schema in that database.

cyberport_postgres_test_db() {
  local user="${CYBERPORT_TEST_PG_USER:-cyberport}"
  local password="${CYBERPORT_TEST_PG_PASSWORD:-cyberport}"
  local database="${CYBERPORT_TEST_PG_DATABASE:-cyberport_test}"
  local log='==> postgres-test-db:'
  local -a as_root=() as_postgres
  if [[ "$(id -u)" -ne 0 ]]; then
    as_root=(sudo -n)
  fi
  as_postgres=("${as_root[@]}" runuser -u postgres --)
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "$log pg_lsclusters not found: install postgresql (scripts/bootstrap.sh)" >&2
    return 1
  fi

  # The first cluster, or a new one for the newest installed server version.
  local version name port status
  read -r version name port status _ < <(pg_lsclusters --no-header 2>/dev/null | head -n 1) || true
  if [[ -z "${version:-}" ]]; then
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    if [[ -z "$version" ]]; then
      echo "$log no PostgreSQL server installed under /usr/lib/postgresql" >&2
      return 1
    fi
    echo "$log creating cluster $version/main" >&2
    "${as_root[@]}" pg_createcluster "$version" main >/dev/null || return 1
    if ! read -r version name port status _ < <(pg_lsclusters --no-header | head -n 1); then
      echo "$log pg_createcluster $version main did not create a cluster" >&2
      return 1
    fi
  fi
  if [[ "$status" != online* ]]; then
    echo "$log starting cluster $version/$name on port $port" >&2
    "${as_root[@]}" pg_ctlcluster "$version" "$name" start || return 1
  fi
  local tries=0
  until pg_isready -q -h 127.0.0.1 -p "$port"; do
    tries=$((tries + 1))
    if ((tries > 60)); then
      echo "$log the cluster $version/$name does not accept connections on 127.0.0.1:$port" >&2
      return 1
    fi
    sleep 0.5
  done

  local psql=("${as_postgres[@]}" psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres)
  if [[ "$("${psql[@]}" -tA -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != 1 ]]; then
    echo "$log creating role $user" >&2
    "${psql[@]}" -c "CREATE ROLE \"$user\" LOGIN" || return 1
  fi
  # Always (re)set the password, so that the printed URL works.
  "${psql[@]}" -c "ALTER ROLE \"$user\" WITH LOGIN PASSWORD '${password//\'/\'\'}'" || return 1
  if [[ "$("${psql[@]}" -tA -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
    echo "$log creating database $database" >&2
    "${psql[@]}" -c "CREATE DATABASE \"$database\" OWNER \"$user\"" || return 1
  fi

  CYBERPORT_TEST_POSTGRES_URL="postgresql://$user:$password@127.0.0.1:$port/$database"
  export CYBERPORT_TEST_POSTGRES_URL
  echo "$CYBERPORT_TEST_POSTGRES_URL"
}

if (return 0 2>/dev/null); then
  # Sourced: export the URL into the caller's shell.
  cyberport_postgres_test_db >/dev/null
else
  set -euo pipefail
  cyberport_postgres_test_db
fi
