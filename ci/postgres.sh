#!/usr/bin/env bash
# Install (Debian package) and start a throwaway PostgreSQL for the test suite, then export
# VEILLE_TEST_POSTGRES_URL. Meant to be *sourced* by .ci/run as root:
#
#     source ci/postgres.sh      # exports VEILLE_TEST_POSTGRES_URL
#
# Executed instead of sourced, it prints the `export ...` line to eval.
#
# Why a private cluster (initdb into a temp dir, unix socket only, port 54329) instead of
# `pg_ctlcluster 15 main start`: it needs no systemd, does not depend on how the Debian
# package set up its default cluster, never listens on the network, and does not collide
# with a server someone already runs on 5432. The server runs as the `postgres` user
# because PostgreSQL refuses to run as root.
set -euo pipefail

VEILLE_PG_PORT="${VEILLE_PG_PORT:-54329}"
VEILLE_PG_DIR="${VEILLE_PG_DIR:-/tmp/veille-ci-postgres}"
VEILLE_PG_DB="${VEILLE_PG_DB:-veille_test}"

_pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(_pg_bin)" ] || [ ! -x "$(_pg_bin)/initdb" ]; then
    echo "ci/postgres.sh: installing PostgreSQL (Debian packages postgresql, postgresql-contrib)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # postgresql-contrib brings `unaccent`, used for accent-insensitive search.
    apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
fi
PG_BIN="$(_pg_bin)"

_as_postgres() {
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if ! _as_postgres "$PG_BIN/pg_isready" -q -h "$VEILLE_PG_DIR" -p "$VEILLE_PG_PORT"; then
    rm -rf "$VEILLE_PG_DIR"
    mkdir -p "$VEILLE_PG_DIR"
    [ "$(id -u)" = "0" ] && chown postgres: "$VEILLE_PG_DIR"
    _as_postgres "$PG_BIN/initdb" -D "$VEILLE_PG_DIR/data" -U postgres --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$VEILLE_PG_DIR/initdb.log" 2>&1 \
        || { cat "$VEILLE_PG_DIR/initdb.log" >&2; exit 1; }
    # Unix socket only (listen_addresses=''), fsync off: a CI scratch database.
    _as_postgres "$PG_BIN/pg_ctl" -D "$VEILLE_PG_DIR/data" -l "$VEILLE_PG_DIR/server.log" -w \
        -o "-p $VEILLE_PG_PORT -k $VEILLE_PG_DIR -c listen_addresses='' -c fsync=off -c max_connections=100" \
        start >/dev/null || { cat "$VEILLE_PG_DIR/server.log" >&2; exit 1; }
    _as_postgres "$PG_BIN/createdb" -h "$VEILLE_PG_DIR" -p "$VEILLE_PG_PORT" -U postgres "$VEILLE_PG_DB"
fi

export VEILLE_TEST_POSTGRES_URL="postgresql://postgres@/${VEILLE_PG_DB}?host=${VEILLE_PG_DIR}&port=${VEILLE_PG_PORT}"
echo "ci/postgres.sh: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') up;" \
    "VEILLE_TEST_POSTGRES_URL=$VEILLE_TEST_POSTGRES_URL" >&2
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "export VEILLE_TEST_POSTGRES_URL='$VEILLE_TEST_POSTGRES_URL'"
fi
