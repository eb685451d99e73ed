#!/bin/sh
# A throw-away PostgreSQL 15 cluster for ichigen (issue 14), for development and tests:
#   scripts/pg.sh start DIR   creates the cluster in DIR/data if there is none, starts it, creates
#                             the role and database "ichigen" once, prints the store URL
#   scripts/pg.sh stop DIR    stops it (fast shutdown: running transactions roll back)
#   scripts/pg.sh url DIR     prints the store URL only
# The server listens on a Unix socket in DIR only (listen_addresses = '': no TCP at all,
# PostgreSQL 15 §20.3.1), so who may connect is who may open DIR: the socket is 0700 and local
# connections are trusted (§21.4 Trust Authentication); no password exists anywhere. fsync and
# synchronous_commit stay on (§20.5.1, §20.5.1 synchronous_commit): a committed write is on disk.
# The server never runs as root (postgres refuses to): invoked as root, the cluster belongs to
# the Debian package's `postgres` user (runuser), and DIR is made theirs; otherwise to the caller.
# The database role "ichigen" owns the database and is not a superuser; it may create databases
# (CREATEDB) so that the conformance suite can make a fresh database per test.
# Idempotent: start on a running cluster only prints the URL; every wait is bounded.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WAIT=${ICHIGEN_PG_WAIT:-60} # seconds pg_ctl waits for start/stop

die() {
    echo "pg.sh: $*" >&2
    exit 1
}

[ $# -eq 2 ] || die "usage: scripts/pg.sh start|stop|url DIR"
cmd=$1
[ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 is not installed in $PGBIN (scripts/deps.sh test)"
case "$2" in
/*) dir=$2 ;;
*) dir=$(pwd)/$2 ;;
esac
# a socket path is at most 107 bytes (sockaddr_un), and the name adds /.s.PGSQL.5432
[ ${#dir} -le 90 ] || die "DIR is too long for a Unix socket path (at most 90 bytes): $dir"

url() {
    echo "postgresql:///ichigen?host=$dir&user=ichigen"
}

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() {
    as_owner "$PGBIN/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

psql_admin() { # SQL…: as the bootstrap superuser, over the socket
    as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres \
        -d postgres "$@"
}

init() {
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        getent passwd postgres >/dev/null || die "no 'postgres' user (install postgresql-15)"
        chown postgres: "$dir"
        runuser -u postgres -- test -w "$dir" ||
            die "$dir is not writable by the postgres user (is a parent directory closed?)"
    fi
    chmod 0700 "$dir"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=reject \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        die "initdb failed; see $dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<EOF
# scripts/pg.sh: a Unix socket in $dir only, durable commits
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
fsync = on
synchronous_commit = on
full_page_writes = on
max_connections = 200
EOF
}

start() {
    [ -f "$dir/data/PG_VERSION" ] || init
    if ! running; then
        as_owner "$PGBIN/pg_ctl" start -D "$dir/data" -w -t "$WAIT" -l "$dir/server.log" \
            >/dev/null || die "the server did not start within ${WAIT}s; see $dir/server.log"
    fi
    if ! psql_admin -tA -c "SELECT 1 FROM pg_roles WHERE rolname = 'ichigen'" | grep -q 1; then
        psql_admin -c "CREATE ROLE ichigen LOGIN CREATEDB" ||
            die "cannot create the role ichigen"
    fi
    if ! psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = 'ichigen'" | grep -q 1; then
        psql_admin -c "CREATE DATABASE ichigen OWNER ichigen" ||
            die "cannot create the database ichigen"
    fi
    url
}

stop() {
    [ -f "$dir/data/PG_VERSION" ] || return 0
    running || return 0
    as_owner "$PGBIN/pg_ctl" stop -D "$dir/data" -m fast -w -t "$WAIT" >/dev/null ||
        die "the server did not stop within ${WAIT}s"
}

case "$cmd" in
start) start ;;
stop) stop ;;
url) url ;;
*) die "unknown command '$cmd' (start, stop, url)" ;;
esac
