#!/bin/sh
# `make fuzz`: builds every fuzz target with clang's libFuzzer (+ ASan/UBSan) into build-fuzz/
# and runs each for FUZZ_SECONDS (default 60). New interesting inputs go to fuzz/scratch/<target>
# (not committed); crashes go to fuzz/artifacts/. FUZZ_MERGE=1 merges the new inputs back into
# the committed corpus fuzz/corpus/<target> (minimised), which `make test` replays.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh fuzz

seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"report jpatch http config rfc3339 expr tz scenarios answers rating delivery render calendar datafile jparse web taxii_query misp stix advisory mail"}

if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang CFLAGS="-fsanitize=fuzzer-no-link" meson setup build-fuzz \
        -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dwerror=false >/dev/null
fi
ninja -C build-fuzz >/dev/null

mkdir -p fuzz/artifacts
status=0
for t in $targets; do
    mkdir -p "fuzz/scratch/$t"
    echo "== fuzz_$t for ${seconds}s"
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "build-fuzz/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="fuzz/artifacts/$t-" -print_final_stats=1 \
        "fuzz/scratch/$t" "fuzz/corpus/$t" 2>"fuzz/artifacts/$t.log"; then
        echo "fuzz_$t FOUND A PROBLEM: see fuzz/artifacts/$t.log and fuzz/artifacts/$t-*"
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::new_units_added" "fuzz/artifacts/$t.log" || true
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
        "build-fuzz/fuzz/fuzz_$t" -merge=1 "fuzz/corpus/$t" "fuzz/scratch/$t" \
            2>>"fuzz/artifacts/$t.log" >/dev/null
    fi
done
exit $status
