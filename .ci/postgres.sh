#!/usr/bin/env bash
# Bring up a local PostgreSQL for the store tests and print the URL to use.
#
#   eval "$(bash .ci/postgres.sh)"   # sets HUREN_TEST_POSTGRES_URL
#
# Idempotent: installs the server only when missing, reuses a running cluster, creates the role and
# database only when absent. Run as root on Debian. Everything but the final `export` line goes to
# stderr so that `eval` sees only the export.
set -euo pipefail

PG_USER="${HUREN_PG_USER:-huren}"
PG_PASSWORD="${HUREN_PG_PASSWORD:-huren}"
PG_DB="${HUREN_PG_DB:-huren_test}"
PG_HOST=127.0.0.1
PG_PORT="${HUREN_PG_PORT:-5432}"

log() { echo "postgres.sh: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (installs packages, starts the cluster as the postgres user)"
  exit 1
fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n1)"

if command -v pg_lsclusters >/dev/null 2>&1; then
  # Debian's wrapper: make sure a cluster exists, listens on 127.0.0.1:PORT, and is running.
  CLUSTER="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v {print $2; exit}')"
  if [ -z "$CLUSTER" ]; then
    CLUSTER=main
    log "creating cluster $PG_VERSION/$CLUSTER"
    pg_createcluster "$PG_VERSION" "$CLUSTER" --port "$PG_PORT" >&2
  fi
  CONF_DIR="/etc/postgresql/$PG_VERSION/$CLUSTER"
  if ! grep -q "^listen_addresses = '$PG_HOST'" "$CONF_DIR/postgresql.conf"; then
    echo "listen_addresses = '$PG_HOST'" >>"$CONF_DIR/postgresql.conf"
  fi
  if ! grep -q "^port = $PG_PORT" "$CONF_DIR/postgresql.conf"; then
    echo "port = $PG_PORT" >>"$CONF_DIR/postgresql.conf"
  fi
  STATUS="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $4}')"
  if [ "$STATUS" != "online" ]; then
    log "starting cluster $PG_VERSION/$CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2
  fi
else
  # No Debian wrapper: a private data directory driven by pg_ctl.
  BIN="/usr/lib/postgresql/$PG_VERSION/bin"
  DATA=/var/lib/postgresql/huren-ci
  if [ ! -s "$DATA/PG_VERSION" ]; then
    install -d -o postgres -g postgres "$DATA"
    su postgres -c "$BIN/initdb -D $DATA --auth-local=peer --auth-host=scram-sha-256" >&2
  fi
  if ! su postgres -c "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
    su postgres -c "$BIN/pg_ctl -D $DATA -l $DATA/server.log -w -o '-h $PG_HOST -p $PG_PORT' start" >&2
  fi
fi

# Wait until the server accepts connections.
for _ in $(seq 1 30); do
  if su postgres -c "psql -p $PG_PORT -h /var/run/postgresql -Atqc 'select 1'" >/dev/null 2>&1 \
    || su postgres -c "psql -p $PG_PORT -h $PG_HOST -Atqc 'select 1'" >/dev/null 2>&1; then
    break
  fi
  sleep 1
done

psql_admin() { su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -Atq $*"; }

if [ "$(psql_admin "-c \"select 1 from pg_roles where rolname = '$PG_USER'\"")" != "1" ]; then
  log "creating role $PG_USER"
  psql_admin "-c \"create role $PG_USER login password '$PG_PASSWORD'\"" >&2
else
  psql_admin "-c \"alter role $PG_USER login password '$PG_PASSWORD'\"" >&2
fi
if [ "$(psql_admin "-c \"select 1 from pg_database where datname = '$PG_DB'\"")" != "1" ]; then
  log "creating database $PG_DB"
  psql_admin "-c \"create database $PG_DB owner $PG_USER\"" >&2
fi

echo "export HUREN_TEST_POSTGRES_URL=postgresql+psycopg://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$PG_DB"
