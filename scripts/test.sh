#!/bin/sh
# `make test`: installs what is missing, builds twice — normally (build/) and with
# AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) — and runs every test in both:
# unit (cmocka), integration (the real binary over HTTP), and fuzz-corpus replays; then the
# browser tests of the web UI (tests/browser: Chromium against build/ichigen); then the
# integration, store and browser tests once more on PostgreSQL (issue 14).
# The last line printed is "N passed, N failed" (each TAP test case counts once per build).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test

setup() { # dir, extra meson options…
    dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        meson configure "$dir" -Dtests=true "$@" >/dev/null
    else
        meson setup "$dir" -Dtests=true "$@" >/dev/null
    fi
    ninja -C "$dir" >/dev/null
}

echo "== building (build/, build-asan/, web/dist)"
scripts/web.sh
setup build
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

echo "== tests"
meson test -C build --no-rebuild --print-errorlogs >build/test-output.txt 2>&1 || true
grep -E "^ *[0-9]+/[0-9]+ " build/test-output.txt || true

cp build/meson-logs/testlog.json build/testlog-sqlite.json

# PostgreSQL (issue 14), every run, on a throw-away cluster (scripts/pg.sh): the integration
# tests again, each server on a fresh database of its own (ICHIGEN_ITEST_PG_URL, itest.c), the
# store's conformance suite (tests/unit/test_store.c, test_store_pg.c), and the browser tests
# with `ichigen serve` on a fresh database (ICHIGEN_BROWSER_PG_URL, tests/browser/lib.mjs). The
# other unit tests never open a store, so they are not run a second time. The meson pass runs
# beside the ASan one: integration programs run one at a time (is_parallel: false) and spend
# most of it waiting for the servers they drive, so the two together take about as long as the
# longer one alone.
pgdir=$(mktemp -d /tmp/ichigen-test-pg.XXXXXX)
logs="build/testlog-sqlite.json build-asan/meson-logs/testlog.json \
build-browser/meson-logs/testlog.json build/testlog-pg-integration.json \
build/testlog-pg-store.json build-browser-pg/meson-logs/testlog.json"
rm -f build/testlog-pg-*.json build-browser-pg/meson-logs/testlog.json
# One `meson test` pass on PostgreSQL: NAME, then meson test's arguments; the log is kept as
# build/testlog-pg-NAME.json.
pg_meson() {
    name=$1
    shift
    rm -f build/meson-logs/testlog.json # a run that never started must not pass for this one
    ICHIGEN_TEST_PG_URL=$url ICHIGEN_ITEST_PG_URL=$url \
        meson test -C build --no-rebuild --print-errorlogs "$@" \
        >>build/test-output-pg.txt 2>&1 || true
    cp build/meson-logs/testlog.json "build/testlog-pg-$name.json" 2>/dev/null || true
}
pg_job=
# no cluster: the PostgreSQL logs are missing, which the summary counts as failures
url=$(scripts/pg.sh start "$pgdir") || url=
if [ -n "$url" ]; then
    : >build/test-output-pg.txt
    (
        pg_meson integration --suite integration
        pg_meson store store store_pg
    ) &
    pg_job=$!
fi
stop_pg() {
    [ -z "$pg_job" ] || kill "$pg_job" 2>/dev/null || true
    scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$pgdir"
}
trap 'stop_pg; exit 130' INT TERM

echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --no-rebuild --print-errorlogs --timeout-multiplier 4 \
    >build-asan/test-output.txt 2>&1 || true
grep -E "^ *[0-9]+/[0-9]+ " build-asan/test-output.txt || true
if [ -n "$pg_job" ]; then
    wait "$pg_job" || true
    pg_job=
    echo "== tests on PostgreSQL (build/, a throw-away cluster; run beside the ASan pass)"
    grep -E "^ *[0-9]+/[0-9]+ " build/test-output-pg.txt || true
fi

echo "== browser tests (tests/browser, Chromium)"
rm -f build-browser/meson-logs/testlog.json
timeout 900 node tests/browser/run.mjs build/ichigen >build/browser-output.txt 2>&1 || true
# each result, the figures, and under a failure its error (the "# " lines after "not ok")
browser_results() {
    awk '/^not ok/ { f = 1; print; next } /^ok/ { f = 0 }
        /^(ok|# measure|# sessions)/ || (f && /^# /)' "$1" || true
}
browser_results build/browser-output.txt

if [ -n "$url" ]; then
    echo "== browser tests on PostgreSQL (tests/browser, Chromium)"
    ICHIGEN_BROWSER_PG_URL=$url timeout 900 node tests/browser/run.mjs build/ichigen \
        >build/browser-output-pg.txt 2>&1 || true
    browser_results build/browser-output-pg.txt
fi
stop_pg

# shellcheck disable=SC2086
exec python3 scripts/tap_summary.py $logs
