#!/bin/sh
# `make run`: installs what is missing, builds, creates or migrates the SQLite database in the
# data directory (default ./var, or ICHIGEN_DATA_DIR), creates the first administrator if there
# is none (printing how to sign in), then runs the service on 127.0.0.1:8080 in the foreground.
# Extra settings: `make run ARGS="--port=9090"` or ICHIGEN_<SETTING> variables.
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh
data=${ICHIGEN_DATA_DIR:-var}
# shellcheck disable=SC2086
build/ichigen migrate --data-dir="$data" ${ARGS:-}
# shellcheck disable=SC2086
build/ichigen admin bootstrap --data-dir="$data" ${ARGS:-}
echo
echo "ichigen is starting (database: $data/ichigen.db); stop it with Ctrl-C."
# the service prints the address it actually bound once it listens
# shellcheck disable=SC2086
exec build/ichigen serve --data-dir="$data" ${ARGS:-}
