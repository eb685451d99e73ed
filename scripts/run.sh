#!/bin/sh
# `make run`: installs what is missing, builds, creates or migrates the SQLite database in the
# data directory (default ./var, or ICHIGEN_DATA_DIR), creates the first administrator if there
# is none (printing how to sign in), then runs the service on 127.0.0.1:8080 in the foreground
# until Ctrl-C. Extra settings: `make run ARGS="--port=9090"` or ICHIGEN_<SETTING> variables.
# Once the service listens, the address it actually bound is printed (from its ready file, so
# --port=0 shows the port the kernel chose); its own output stays JSON log lines.
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh
data=${ICHIGEN_DATA_DIR:-var}
# shellcheck disable=SC2086
build/ichigen migrate --data-dir="$data" ${ARGS:-}
# shellcheck disable=SC2086
build/ichigen admin bootstrap --data-dir="$data" ${ARGS:-}
echo
echo "ichigen is starting (database: ${ICHIGEN_STORE_URL:-$data/ichigen.db}); stop it with Ctrl-C."
ready="$data/ready"
rm -f "$ready"
# shellcheck disable=SC2086
build/ichigen serve --data-dir="$data" --ready-file="$ready" ${ARGS:-} &
pid=$!
# a background job of a script ignores Ctrl-C's SIGINT: pass it on as a clean stop
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
n=0
while [ ! -s "$ready" ] && kill -0 "$pid" 2>/dev/null && [ "$n" -lt 1200 ]; do
    sleep 0.1
    n=$((n + 1))
done
if [ -s "$ready" ]; then
    # shellcheck disable=SC2086
    addr=$(build/ichigen config --data-dir="$data" ${ARGS:-} | awk '$1 == "listen_addr" { print $2 }')
    case "$addr" in *:*) addr="[$addr]" ;; esac
    echo "Web UI: http://$addr:$(cat "$ready")/ — sign in with the administrator printed above"
    echo "API: http://$addr:$(cat "$ready")/api/v1 — described in docs/api/openapi.yaml"
fi
status=0
wait "$pid" || status=$?
if [ "$status" -gt 128 ]; then # a signal cut the wait short: the server's own exit status
    status=0
    wait "$pid" || status=$?
fi
exit "$status"
