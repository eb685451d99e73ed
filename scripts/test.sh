#!/bin/sh
# `make test`: installs what is missing, builds twice — normally (build/) and with
# AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) — and runs every test in both:
# unit (cmocka), integration (the real binary over HTTP), and fuzz-corpus replays; then the
# browser tests of the web UI (tests/browser: Chromium against build/ichigen, once).
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

echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --no-rebuild --print-errorlogs --timeout-multiplier 4 \
    >build-asan/test-output.txt 2>&1 || true
grep -E "^ *[0-9]+/[0-9]+ " build-asan/test-output.txt || true

echo "== browser tests (tests/browser, Chromium)"
rm -f build-browser/meson-logs/testlog.json
timeout 900 node tests/browser/run.mjs build/ichigen >build/browser-output.txt 2>&1 || true
# each result, the figures, and under a failure its error (the "# " lines after "not ok")
awk '/^not ok/ { f = 1; print; next } /^ok/ { f = 0 } /^(ok|# measure|# sessions)/ || (f && /^# /)' \
    build/browser-output.txt || true

# PostgreSQL (issue 14): the store's conformance suite (tests/unit/test_store.c and
# test_store_pg.c) again on a throw-away cluster (scripts/pg.sh), every run. The integration
# tests join with ICHIGEN_TEST_PG=1 — opt-in until they pass there (docs/operations.md).
echo "== tests on PostgreSQL (build/, a throw-away cluster)"
pgdir=$(mktemp -d /tmp/ichigen-test-pg.XXXXXX)
cp build/meson-logs/testlog.json build/testlog-sqlite.json
logs="build/testlog-sqlite.json build-asan/meson-logs/testlog.json \
build-browser/meson-logs/testlog.json build/testlog-pg.json"
rm -f build/testlog-pg.json
if url=$(scripts/pg.sh start "$pgdir"); then
    if [ "${ICHIGEN_TEST_PG:-}" = 1 ]; then
        set -- --suite unit --suite integration
    else
        set -- store store_pg
    fi
    ICHIGEN_TEST_PG_URL=$url ICHIGEN_ITEST_PG_URL=$url \
        meson test -C build --no-rebuild --print-errorlogs "$@" >build/test-output-pg.txt 2>&1 || true
    grep -E "^ *[0-9]+/[0-9]+ " build/test-output-pg.txt || true
    cp build/meson-logs/testlog.json build/testlog-pg.json
fi # no cluster: build/testlog-pg.json is missing, which the summary counts as a failure
scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
rm -rf "$pgdir"

# shellcheck disable=SC2086
exec python3 scripts/tap_summary.py $logs
