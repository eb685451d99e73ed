#!/bin/sh
# `make run-pg`: `make run` on PostgreSQL (issue 14, in progress: see docs/operations.md,
# "PostgreSQL (in progress)"). Installs what is missing (the test profile brings PostgreSQL 15),
# starts a throw-away cluster of scripts/pg.sh in ICHIGEN_PG_DIR (default var/pg: a Unix socket
# there, no TCP) and runs scripts/run.sh with store_url pointing at it. The cluster keeps
# running after Ctrl-C; `scripts/pg.sh stop var/pg` stops it, `rm -rf var/pg` forgets it.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
pgdir=${ICHIGEN_PG_DIR:-var/pg}
mkdir -p "$(dirname "$pgdir")"
url=$(scripts/pg.sh start "$pgdir")
echo "PostgreSQL: $url (stop it with: scripts/pg.sh stop $pgdir)"
ICHIGEN_STORE_URL=$url exec scripts/run.sh
