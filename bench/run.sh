#!/usr/bin/env bash
# bench/run.sh — `make bench`: builds a release binary in build-bench/, starts a real server on
# 127.0.0.1 with a temporary database, and measures it with bench/loadgen (bench/README.md).
#
# Each measured run is repeated BENCH_REPS times, interleaved with its baselines (bare HTTP and
# the disk's fsync rate) so that a noisy shared machine moves them together; the medians and the
# ratios to the baselines are printed at the end, with a Markdown table for bench/README.md.
# Figures are reported, never judged: a missed target does not fail the run. The script exits
# non-zero only when it cannot measure at all (build failure, server does not start).
#
# Settings (environment):
#   BENCH_DURATION=5      measured seconds per run      BENCH_WARMUP=1   warm-up seconds
#   BENCH_REPS=3          repetitions (median)          BENCH_CONNECTIONS=64
#   BENCH_THREADS=2       load generator threads        BENCH_BODY=docs/examples/full-report.json
#   BENCH_DATA_DIR=DIR    parent of the temporary data directory (default: $TMPDIR or /tmp);
#                         put it on the disk you want to measure
#   BENCH_BUILD_DIR=build-bench                         BENCH_KEEP=1  keep the data and logs
#   BENCH_QUICK=1         one short repetition of everything (a smoke test, ~1 minute)
#   BENCH_ONLY=delivery   only the delivery figures
#   BENCH_ONLY=web        only the web UI's static files (and the /healthz baseline)
#   BENCH_ONLY=index      only the correlation index (bench_index, in process; about 2 minutes)
#   BENCH_ONLY=taxii      only the TAXII 2.1 server's figures (issue 13)
#   BENCH_ONLY=pg         only the PostgreSQL and several-node figures (bench/pg.sh, issue 14);
#   BENCH_PG=0            a full run without them. BENCH_PG_DELIVERY_REPORTS=1000 (drain),
#                         BENCH_PG_FAILOVER_REPORTS=10, BENCH_PG_LEASE=5 (s, the failover's lease)
#   BENCH_DELIVERY_REPORTS=4000  reports preloaded per drain (5 webhook deliveries each)
#   BENCH_DELIVERY_RATE=100      reports/s of the latency run; BENCH_DELIVERY_SECONDS=20
#   BENCH_DELIVERY_PREVIEW=0     skip the latency run without preview (the baseline)
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

build=${BENCH_BUILD_DIR:-build-bench}
dur=${BENCH_DURATION:-5}
warm=${BENCH_WARMUP:-1}
reps=${BENCH_REPS:-3}
conns=${BENCH_CONNECTIONS:-64}
lthreads=${BENCH_THREADS:-2}
body=${BENCH_BODY:-docs/examples/full-report.json}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    dur=2 warm=0.5 reps=1
fi

say() { printf '%s\n' "$*"; }
die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}

# ---- build ----
if [ -x scripts/deps.sh ]; then
    scripts/deps.sh bench || die "scripts/deps.sh bench failed"
fi
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dbuildtype=release -Dtests=false >/dev/null || die "meson setup failed"
else
    meson configure "$build" -Dbuildtype=release -Dtests=false >/dev/null ||
        die "meson configure failed"
fi
ninja -C "$build" >/dev/null || die "build failed (ninja -C $build)"
bin=$build/ichigen
lg=$build/bench/loadgen
[ -x "$bin" ] && [ -x "$lg" ] || die "missing $bin or $lg after the build"

# ---- workspace ----
work=$(mktemp -d "${BENCH_DATA_DIR:-${TMPDIR:-/tmp}}/ichigen-bench.XXXXXX") || die "mktemp failed"
data=$work/data-warn
results=$work/results.jsonl
server_pid=""
cleanup() {
    for p in ${pids[@]+"${pids[@]}"}; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    declare -F pg_cleanup >/dev/null && pg_cleanup # bench/pg.sh's cluster
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        say "bench: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)

# ---- accounts: an admin, an organisation, a reporter and its token (the CLI, no server) ----
admin() { "$bin" admin "$@" --data-dir "$data" 2>>"$work/admin.log"; }
printf 'bench-admin-password-%s\n' "$$" | admin create-admin --username benchadmin \
    --password-stdin >/dev/null || die "create-admin failed (see $work/admin.log)"
org=$(admin create-org --name-ja ベンチマーク株式会社 --name-en "Bench Co." --kind company) ||
    die "create-org failed"
printf 'bench-reporter-password-%s\n' "$$" | admin create-user --org-id "$org" \
    --username benchreporter --display-name "Bench reporter" --role reporter \
    --password-stdin >/dev/null || die "create-user failed"
admin create-token --username benchreporter >"$work/token" || die "create-token failed"
admin create-token --username benchadmin >"$work/admin-token" || die "create-token failed"
cp -a "$data" "$work/data-info"

# ---- servers ----
# Two servers on two copies of the same accounts: "warn" for the measured runs and "info" (the
# default log level) for the logging comparison, so both run in the same noise.
declare -A pids ports
port="" server_pid=""
start_server() { # start_server LEVEL
    local ready=$work/ready-$1
    "$bin" serve --data-dir "$work/data-$1" --port 0 --ready-file "$ready" --log-level "$1" \
        >>"$work/server-$1.log" 2>&1 &
    pids[$1]=$!
    for _ in $(seq 1 100); do
        [ -s "$ready" ] && break
        kill -0 "${pids[$1]}" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$ready" ]; then
        tail -20 "$work/server-$1.log" >&2
        BENCH_KEEP=1
        die "the server did not start (log: $work/server-$1.log)"
    fi
    ports[$1]=$(cat "$ready")
}
use_server() { port=${ports[$1]} server_pid=${pids[$1]}; }
stop_server() { # stop_server LEVEL: SIGTERM, then wait (the final checkpoint included)
    local t0=$SECONDS
    kill "${pids[$1]}" 2>/dev/null
    wait "${pids[$1]}" 2>/dev/null
    say "  (server $1 stopped in $((SECONDS - t0)) s; its data directory holds" \
        "$(du -sh "$work/data-$1" | cut -f1))"
    unset "pids[$1]"
}

# ---- helpers ----
# jget KEY: the value of "KEY": in a one-line JSON object on stdin (keys are unique there).
jget() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" | head -1; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print "n/a"}'; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN{if (b + 0 > 0 && a != "n/a") printf f, a / b; else printf "n/a"}'; }
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat" 2>/dev/null || echo 0; }
metric() { # metric NAME: a plain (unlabelled) series from /metrics
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return
    printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
        "$(cat "$work/admin-token")" >&3
    awk -v n="$1" '$1 == n {print $2}' <&3
    exec 3<&-
}
clk=$(getconf CLK_TCK)

# run_lg LABEL ARGS…: one loadgen run; appends its JSON (plus server-side figures) to $results,
# prints the summary, and leaves the JSON line in $last.
last=""
run_lg() {
    local label=$1 c0 w0 t0 c1 w1 t1 cpu0 cpu1 out extra ok
    shift
    c0=$(metric ichigen_store_commits_total) w0=$(metric ichigen_store_writes_total)
    t0=$(metric ichigen_store_commit_duration_seconds_sum) cpu0=$(server_cpu_ticks)
    out=$("$lg" --port "$port" --label "$label" "$@" 2>"$work/lg.err")
    cat "$work/lg.err"
    cpu1=$(server_cpu_ticks)
    c1=$(metric ichigen_store_commits_total) w1=$(metric ichigen_store_writes_total)
    t1=$(metric ichigen_store_commit_duration_seconds_sum)
    if [ -z "$out" ]; then
        say "  (loadgen produced no result)"
        last=""
        return
    fi
    ok=$(printf '%s' "$out" | jget acknowledged_total) # whole run: warm-up and drain too
    extra=$(awk -v c0="${c0:-0}" -v c1="${c1:-0}" -v w0="${w0:-0}" -v w1="${w1:-0}" \
        -v t0="${t0:-0}" -v t1="${t1:-0}" -v p0="$cpu0" -v p1="$cpu1" -v hz="$clk" -v n="$ok" \
        'BEGIN {
            c = c1 - c0; w = w1 - w0
            b = c > 0 ? w / c : 0; m = c > 0 ? (t1 - t0) * 1000 / c : 0
            u = n > 0 ? (p1 - p0) / hz * 1e6 / n : 0
            printf(",\"commits\":%d,\"writes\":%d,\"avg_batch\":%.1f,\"avg_commit_ms\":%.3f,", c, w, b, m)
            printf("\"server_cpu_s\":%.2f,\"server_cpu_us_per_req\":%.1f", (p1 - p0) / hz, u)
        }')
    last="${out%\}}$extra}"
    printf '%s\n' "$last" >>"$results"
    printf '%s' "$last" | awk '{
        if (match($0, /"writes":[0-9]+/) && substr($0, RSTART + 9, RLENGTH - 9) + 0 > 0) {
            match($0, /"avg_batch":[0-9.]+/); b = substr($0, RSTART + 12, RLENGTH - 12)
            match($0, /"avg_commit_ms":[0-9.]+/); m = substr($0, RSTART + 16, RLENGTH - 16)
            printf "        group commit: %s writes per commit on average, %s ms per commit\n", b, m
        }
        match($0, /"server_cpu_us_per_req":[0-9.]+/); s = substr($0, RSTART + 24, RLENGTH - 24)
        match($0, /"client_cpu_s":[0-9.]+/); k = substr($0, RSTART + 15, RLENGTH - 15)
        printf "        server cpu %s µs per request\n", s
    }'
}
field_of() { printf '%s' "$last" | jget "$1"; } # a field of the last run

# Records one figure: rec NAME VALUE (collected per repetition; medians at the end)
declare -A fig
rec() { fig[$1]="${fig[$1]:-} $2"; }
med() { printf '%s\n' ${fig[$1]:-} | median; }

verify_ids() { # verify_ids IDS TAG: every acknowledged report must be readable and carry TAG
    local v n bad
    [ -s "$1" ] || return
    v=$("$lg" --port "$port" --mode verify --connections 8 --token-file "$work/token" \
        --ids-in "$1" --expect "$2-" 2>/dev/null)
    n=$(printf '%s' "$v" | jget ok)
    bad=$(printf '%s' "$v" | jget errors)
    say "        verified: $n of $(wc -l <"$1") acknowledged reports read back with their run tag (${bad:-?} errors)"
    rec verified "${n:-0}"
    rec verify_errors "${bad:-0}"
}

common=(--duration "$dur" --warmup "$warm" --threads "$lthreads")
create_args=(--mode create --token-file "$work/token" --body "$body")
# the typical new report: a first notification (速報) carrying the early-warning core
ew_body=docs/examples/early-warning.json
create_ew_args=(--mode create --token-file "$work/token" --body "$ew_body")

say "ichigen benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load average $load_start"
say "runs: ${dur}s measured after ${warm}s warm-up, ${reps} repetitions, body $body"
say ""

# ---- measured runs at log level warn, interleaved with their baselines ----
# (BENCH_ONLY=delivery skips everything up to the delivery section: for working on delivery)
web_js="" web_js_gz=0 full="" early="" sfull="" sew="" rload="" rew="" rfull="" rewx="" rhot_ln="" rhot_pert="" rfill_ln=""
rfill_pert="" rport1="" rportn="" risk_reps=0 inew="" ideadline="" ideep=""
tfirst="" tmid="" tbig=""
# The web UI's static files (issue 12): its first-page script with gzip, then index.html.
web_static_runs() {
    run_lg "static-js" --mode get --path "/assets/$web_js" --gzip --connections "$conns" \
        "${common[@]}"
    rec static_rps "$(field_of rps)"
    rec static_p99 "$(field_of p99)"
    rec static_cpu "$(field_of server_cpu_us_per_req)"
    run_lg "index-html" --mode get --path "/" --connections "$conns" "${common[@]}"
    rec index_rps "$(field_of rps)"
    rec index_p99 "$(field_of p99)"
}

# the web UI's first-page script, as index.html names it (built by scripts/web.sh when missing)
[ -f web/dist/index.html ] || [ ! -x scripts/web.sh ] || scripts/web.sh >&2 || true
web_js=$(grep -o 'assets/index-[A-Za-z0-9_-]*\.js' web/dist/index.html 2>/dev/null | head -1 |
    sed 's#^assets/##')
web_js_gz=$([ -n "$web_js" ] && wc -c <"web/dist/assets/$web_js.gz" 2>/dev/null || echo 0)
# TAXII 2.1 (issue 13 item 5): its own server and data (an authority, a TLP:AMBER collection of
# 2,000 STIX objects: MITRE ATT&CK for ICS plus synthetic indicators), read as a TAXII client
# reads: discovery (anonymous), and a page of 100 objects with the authority's token, from the
# start and from halfway (the `next` cursor), at 32 connections as the issue names.
taxii_ready=0 taxii_port="" taxii_pid="" taxii_coll="" taxii_half="" taxii_n=0
taxii_setup() {
    local td=$work/data-taxii ready=$work/ready-taxii bundle
    [ "$taxii_ready" = 1 ] && return
    tadmin() { "$bin" admin "$@" --data-dir "$td" 2>>"$work/admin.log"; }
    printf 'bench-admin-password-%s\n' "$$" | tadmin create-admin --username benchadmin \
        --password-stdin >/dev/null || die "create-admin failed (TAXII)"
    local torg
    torg=$(tadmin create-org --name-ja ベンチ当局 --name-en "Bench Authority" --kind authority) ||
        die "create-org failed (TAXII)"
    printf 'bench-authority-password-%s\n' "$$" | tadmin create-user --org-id "$torg" \
        --username benchauthority --display-name "Bench authority" --role authority \
        --password-stdin >/dev/null || die "create-user failed (TAXII)"
    tadmin create-token --username benchauthority >"$work/taxii-token" || die "create-token failed"
    "$bin" serve --data-dir "$td" --port 0 --ready-file "$ready" --log-level warn \
        >>"$work/server-taxii.log" 2>&1 &
    taxii_pid=$!
    pids[taxii]=$taxii_pid # stopped with the others on exit
    for _ in $(seq 1 100); do
        [ -s "$ready" ] && break
        sleep 0.1
    done
    [ -s "$ready" ] || die "the TAXII server did not start (log: $work/server-taxii.log)"
    taxii_port=$(cat "$ready")
    bundle=${BENCH_STIX_BUNDLE:-../shared/data/attack-stix-2.1/ics-attack-18.1.json}
    local out
    out=$(python3 bench/taxii_setup.py --port "$taxii_port" --token-file "$work/taxii-token" \
        --objects 2000 --bundle "$bundle") || die "filling the TAXII collection failed"
    taxii_coll=$(printf "%s" "$out" | jget collection | tr -d " ")
    taxii_half=$(printf "%s" "$out" | jget half_next | tr -d " ")
    taxii_n=$(printf "%s" "$out" | jget objects | tr -d " ")
    say "TAXII: collection of $taxii_n objects ($(printf '%s' "$out" | jget from_bundle) from $bundle)"
    taxii_ready=1
}
taxii_runs() {
    local saved_port=$port saved_pid=$server_pid tx="application/taxii+json;version=2.1"
    local objs="/taxii2/ichigen/collections/$taxii_coll/objects/?limit=100"
    port=$taxii_port server_pid=$taxii_pid
    run_lg "taxii-discovery" --mode get --path /taxii2/ --accept "$tx" --connections "$conns" \
        "${common[@]}"
    rec taxii_disc_rps "$(field_of rps)"
    rec taxii_disc_p99 "$(field_of p99)"
    run_lg "taxii-page" --mode get --path "$objs" --accept "$tx" --token-file "$work/taxii-token" \
        --connections 32 "${common[@]}"
    rec taxii_page_rps "$(field_of rps)"
    rec taxii_page_p99 "$(field_of p99)"
    rec taxii_page_cpu "$(field_of server_cpu_us_per_req)"
    run_lg "taxii-page-half" --mode get --path "$objs&next=$taxii_half" --accept "$tx" \
        --token-file "$work/taxii-token" --connections 32 "${common[@]}"
    rec taxii_half_rps "$(field_of rps)"
    rec taxii_half_p99 "$(field_of p99)"
    port=$saved_port server_pid=$saved_pid
}
taxii_rows() {
    say "| TAXII: discovery, $conns conn (requests/s) | $(med taxii_disc_rps) | ≥ 30,000 | p99 $(med taxii_disc_p99) ms; anonymous |"
    say "| TAXII: a page of 100 objects of a $taxii_n-object collection, 32 conn (requests/s) | $(med taxii_page_rps) | ≥ 1,000, p99 ≤ 50 ms | p99 $(med taxii_page_p99) ms; server CPU $(med taxii_page_cpu) µs/page; bearer token, TLP:AMBER collection; from halfway (next) $(med taxii_half_rps)/s, p99 $(med taxii_half_p99) ms |"
}

if [ "${BENCH_ONLY:-}" = taxii ]; then # only the TAXII figures
    taxii_setup
    for rep in $(seq 1 "$reps"); do
        say "== repetition $rep of $reps"
        taxii_runs
    done
    kill "$taxii_pid" 2>/dev/null
    wait "$taxii_pid" 2>/dev/null
    say ""
    say "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $load_start → $(cut -d' ' -f1-3 /proc/loadavg); median of $reps"
    say "| measurement | median | target | notes |"
    say "|---|---|---|---|"
    taxii_rows
    exit 0
fi
# PostgreSQL and several nodes (issue 14): bench/pg.sh, its own cluster, servers and receiver
. bench/pg.sh
if [ "${BENCH_ONLY:-}" = pg ]; then
    pg_section
    say ""
    say "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $load_start → $(cut -d' ' -f1-3 /proc/loadavg); median of $reps"
    say "| measurement | median | target | notes |"
    say "|---|---|---|---|"
    pg_rows
    exit 0
fi
if [ "${BENCH_ONLY:-}" = web ]; then # only the web UI's static files and the /healthz baseline
    [ -n "$web_js" ] || die "web/dist is not built (scripts/web.sh)"
    start_server warn
    use_server warn
    for rep in $(seq 1 "$reps"); do
        say "== repetition $rep of $reps"
        run_lg "health" --mode health --connections "$conns" "${common[@]}"
        rec health_rps "$(field_of rps)"
        web_static_runs
    done
    stop_server warn
    hr=$(med health_rps)
    say ""
    say "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $load_start → $(cut -d' ' -f1-3 /proc/loadavg); median of $reps"
    say "| measurement | median | notes |"
    say "|---|---|---|"
    say "| web UI: GET the first page's script (gzip, $web_js_gz bytes), $conns conn (requests/s) | $(med static_rps) | p99 $(med static_p99) ms; server CPU $(med static_cpu) µs/request; $(div "$(med static_rps)" "$hr") × healthz |"
    say "| web UI: GET / (index.html), $conns conn (requests/s) | $(med index_rps) | p99 $(med index_p99) ms |"
    say "| baseline: GET /healthz, $conns conn (requests/s) | $hr | |"
    exit 0
fi
# The correlation index in process (issue 13 item 3): 10 million mixed indicators.
index_run() {
    local n=10000000 r=3
    [ "${BENCH_QUICK:-0}" = 1 ] && n=1000000 r=1
    say ""
    say "== correlation index in process (bench_index: $n mixed indicators, single thread)"
    "$build/bench/bench_index" --indicators "$n" --reps "$r" >"$work/index.jsonl" 2>"$work/index.txt"
    cat "$work/index.txt"
    xindex=$(grep -F '"bench":"index"' "$work/index.jsonl")
}
index_row() {
    say "| correlation index: lookups per second, 1 thread, $(printf '%s' "$xindex" | jget indicators) mixed indicators (millions) | $(div "$(printf '%s' "$xindex" | jget lookups_per_s)" 1e6 %.2f) | ≥ 5 | $(div "$(printf '%s' "$xindex" | jget lookups_per_cpu_s)" 1e6 %.2f) M per CPU second; build $(printf '%s' "$xindex" | jget build_s) s ($(printf '%s' "$xindex" | jget build_cpu_s) s of CPU); $(printf '%s' "$xindex" | jget bytes_per_indicator) bytes/indicator; $(printf '%s' "$xindex" | jget hit_rate) of queries match; from text $(div "$(printf '%s' "$xindex" | jget text_lookups_per_s)" 1e6 %.2f) M/s; add $(printf '%s' "$xindex" | jget adds_per_s)/s |"
    say "| correlation index: lookups per CPU second, batched 64 a call (millions; the service's correlation asks this way) | $(div "$(printf '%s' "$xindex" | jget batched_lookups_per_cpu_s)" 1e6 %.2f) | ≥ 5 | every match visited by a callback (ioc_index_query_many): $(div "$(printf '%s' "$xindex" | jget visiting_lookups_per_cpu_s)" 1e6 %.2f) M per CPU second |"
}
xindex=""
if [ "${BENCH_ONLY:-}" = index ]; then
    index_run
    say ""
    say "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $load_start → $(cut -d' ' -f1-3 /proc/loadavg)"
    say "| measurement | median | target | notes |"
    say "|---|---|---|---|"
    index_row
    exit 0
fi
if [ "${BENCH_ONLY:-}" != delivery ]; then
start_server warn
start_server info
say "servers on 127.0.0.1:${ports[warn]} (log level warn) and :${ports[info]} (info), data in $work"
for rep in $(seq 1 "$reps"); do
    say ""
    say "== repetition $rep of $reps"
    use_server warn
    run_lg "health" --mode health --connections "$conns" "${common[@]}"
    rec health_rps "$(field_of rps)"
    if [ -n "$web_js" ]; then # the web UI's static files (issue 12), served by the same server
        web_static_runs
    fi
    taxii_setup
    taxii_runs

    fs=$("$build/bench/fsync_probe" "$data" 2 2>&1 >"$work/fsync.json")
    say "$fs"
    rec fsync_append "$(jget append_per_s <"$work/fsync.json")"
    rec fsync_overwrite "$(jget overwrite_per_s <"$work/fsync.json")"
    rec fsync_p50 "$(jget append_p50_ms <"$work/fsync.json")"

    run_lg "create-c$conns" "${create_args[@]}" --connections "$conns" "${common[@]}" \
        --ids-out "$work/ids-$rep"
    rec create_rps "$(field_of rps)"
    rec create_p50 "$(field_of p50)"
    rec create_p99 "$(field_of p99)"
    rec create_errors "$(field_of errors)"
    rec create_batch "$(field_of avg_batch)"
    rec create_commit_ms "$(field_of avg_commit_ms)"
    rec create_cpu "$(field_of server_cpu_us_per_req)"
    rec create_ccpu "$(awk -v c="$(field_of client_cpu_s)" -v n="$(field_of acknowledged_total)" \
        'BEGIN{if (n > 0) printf "%.1f", c * 1e6 / n; else print 0}')"
    verify_ids "$work/ids-$rep" "$(field_of tag)"
    cat "$work/ids-$rep" >>"$work/ids-all"

    run_lg "create-ew-c$conns" "${create_ew_args[@]}" --connections "$conns" "${common[@]}" \
        --ids-out "$work/ids-ew-$rep"
    rec ew_rps "$(field_of rps)"
    rec ew_p50 "$(field_of p50)"
    rec ew_p99 "$(field_of p99)"
    rec ew_errors "$(field_of errors)"
    rec ew_batch "$(field_of avg_batch)"
    rec ew_cpu "$(field_of server_cpu_us_per_req)"
    verify_ids "$work/ids-ew-$rep" "$(field_of tag)"

    run_lg "read-c$conns" --mode read --token-file "$work/token" --ids-in "$work/ids-all" \
        --connections "$conns" "${common[@]}"
    rec read_rps "$(field_of rps)"
    rec read_p50 "$(field_of p50)"
    rec read_p99 "$(field_of p99)"
    rec read_errors "$(field_of errors)"
    rec read_cpu "$(field_of server_cpu_us_per_req)"

    # the cost of request logging: the same create run on the server at the default level
    use_server info
    run_lg "create-info" "${create_args[@]}" --connections "$conns" "${common[@]}"
    rec info_rps "$(field_of rps)"
    rec info_p99 "$(field_of p99)"
    rec info_cpu "$(field_of server_cpu_us_per_req)"
done
stop_server info
use_server warn

say ""
say "== scaling: create at 1 and 16 connections"
for rep in $(seq 1 "$reps"); do
    for c in 1 16; do
        run_lg "create-c$c" "${create_args[@]}" --connections "$c" "${common[@]}" \
            --ids-out "$work/ids-c$c"
        rec "create${c}_rps" "$(field_of rps)"
        rec "create${c}_p99" "$(field_of p99)"
        rec "create${c}_batch" "$(field_of avg_batch)"
        verify_ids "$work/ids-c$c" "$(field_of tag)"
    done
done
stop_server warn

# ---- validation in process ----
say ""
say "== validation in process (bench_validate, single thread)"
"$build/bench/bench_validate" --reps 5 docs/examples/full-report.json \
    docs/examples/early-warning.json >"$work/validate.jsonl" 2>"$work/validate.txt"
cat "$work/validate.txt"
full=$(grep -F full-report "$work/validate.jsonl")
early=$(grep -F early-warning "$work/validate.jsonl")

# ---- the durable part of a create, in process ----
# The store has one writer thread, so its CPU per report caps the whole service's intake
# (bench/README.md, "Where the time goes after issue 9").
say ""
say "== the store alone (bench_store: 64 threads calling store_report_create, real SQLite file)"
store_secs=3 store_reps=3
[ "${BENCH_QUICK:-0}" = 1 ] && store_secs=1 store_reps=1
for b in docs/examples/full-report.json docs/examples/early-warning.json; do
    "$build/bench/bench_store" --body "$b" --data data --seconds "$store_secs" \
        --reps "$store_reps" --dir "${BENCH_DATA_DIR:-${TMPDIR:-/tmp}}" 2>/dev/null |
        tee -a "$work/store.txt" | grep -v '^{'
done
sfull=$(grep -F full-report "$work/store.txt" | grep '^{')
sew=$(grep -F early-warning "$work/store.txt" | grep '^{')

# ---- obligations engine in process ----
say ""
say "== obligations engine in process (bench_rules, single thread)"
"$build/bench/bench_rules" --data data --reps 5 docs/examples/early-warning.json \
    docs/examples/full-report.json >"$work/rules.jsonl" 2>"$work/rules.txt"
cat "$work/rules.txt"
rload=$(grep -F '"mode":"load"' "$work/rules.jsonl")
rew=$(grep -F early-warning "$work/rules.jsonl" | grep -F '"evaluate"')
rfull=$(grep -F full-report "$work/rules.jsonl" | grep -F '"evaluate"')
rewx=$(grep -F early-warning "$work/rules.jsonl" | grep -F '"explain"')

# ---- risk simulation in process ----
say ""
say "== risk simulation in process (bench_risk: loss draws per core; 20 scenarios × 1,000,000 years)"
risk_reps=5
[ "${BENCH_QUICK:-0}" = 1 ] && risk_reps=1
"$build/bench/bench_risk" --reps "$risk_reps" >"$work/risk.jsonl" 2>"$work/risk.txt"
cat "$work/risk.txt"
rhot_ln=$(grep -F '"mode":"hot"' "$work/risk.jsonl" | grep -F lognormal90)
rhot_pert=$(grep -F '"mode":"hot"' "$work/risk.jsonl" | grep -F '"pert"')
rfill_ln=$(grep -F '"mode":"fill"' "$work/risk.jsonl" | grep -F lognormal90)
rfill_pert=$(grep -F '"mode":"fill"' "$work/risk.jsonl" | grep -F '"pert"')
rport1=$(grep -F '"mode":"portfolio"' "$work/risk.jsonl" | grep -F '"threads":1,')
rportn=$(grep -F '"mode":"portfolio"' "$work/risk.jsonl" | grep -F speedup)

# ---- rendering a filing document in process ----
say ""
say "== rendering in process (bench_render: the NCO workbook, single thread)"
render_count=200
[ "${BENCH_QUICK:-0}" = 1 ] && render_count=40
"$build/bench/bench_render" --data data --count "$render_count" docs/examples/full-report.json \
    tests/data/render/nco-ddos.json >"$work/render.jsonl" 2>"$work/render.txt"
cat "$work/render.txt"
rnco=$(grep -F full-report "$work/render.jsonl" | grep -F '"nco-xlsx"')
rddos=$(grep -F nco-ddos "$work/render.jsonl" | grep -F '"nco-xlsx"')
rppc=$(grep -F full-report "$work/render.jsonl" | grep -F '"ppc-xlsx"')
rpdf=$(grep -F full-report "$work/render.jsonl" | grep -F '"nco-pdf"')

# ---- an authority's inbox, in process ----
say ""
say "== inbox page of 50 over 100,000 submissions (bench_inbox: use case + JSON, in process)"
inbox_pages=200
[ "${BENCH_QUICK:-0}" = 1 ] && inbox_pages=50
"$build/bench/bench_inbox" --pages "$inbox_pages" --dir "${BENCH_DATA_DIR:-${TMPDIR:-/tmp}}" \
    >"$work/inbox.jsonl" 2>"$work/inbox.txt"
cat "$work/inbox.txt"
inew=$(grep -F '"case":"newest first (default)"' "$work/inbox.jsonl")
ideadline=$(grep -F '"case":"deadline, soonest first"' "$work/inbox.jsonl")
ideep=$(grep -F '"case":"newest, deep (after 200 pages)"' "$work/inbox.jsonl")

index_run
# ---- statistics for authorities, in process (issue 13 item 7) ----
say ""
say "== statistics tables over 1,000,000 rows (bench_stats: count and suppress, in process)"
stats_rows=1000000
[ "${BENCH_QUICK:-0}" = 1 ] && stats_rows=200000
"$build/bench/bench_stats" --rows "$stats_rows" >"$work/stats.jsonl" 2>"$work/stats.txt"
cat "$work/stats.txt"
# ---- STIX 2.1 import (issue 13 item 4): ours against Python's json.load, same file ----
say ""
say "== STIX import (bench_stix vs python3 json.load, median of 5)"
stix_file=${BENCH_STIX_FILE:-../shared/data/attack-stix-2.1/ics-attack-18.1.json}
stix=""
if [ -f "$stix_file" ]; then
    "$build/bench/bench_stix" --reps 5 "$stix_file" >"$work/stix.jsonl" 2>"$work/stix.txt"
    cat "$work/stix.txt"
    stix=$(cat "$work/stix.jsonl")
    # the issue's comparison: one json.load per fresh python3 process, wall and CPU time
    for _ in 1 2 3 4 5; do
        python3 -c 'import json, sys, time
w, c = time.perf_counter(), time.process_time()
json.load(open(sys.argv[1]))
print("%.3f %.3f" % ((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000))' \
            "$stix_file"
    done >"$work/stix-python.txt"
    stix_py=$(awk '{print $1}' "$work/stix-python.txt" | median)
    stix_pyc=$(awk '{print $2}' "$work/stix-python.txt" | median)
    say "  python3 json.load, fresh process $stix_py ms (CPU $stix_pyc ms)"
else
    say "  $stix_file not found (set BENCH_STIX_FILE): skipped"
fi
# ---- the TAXII 2.1 paginator, in process ----
say ""
say "== TAXII objects page of 100 (bench_taxii: query, page selection and envelope, in process)"
taxii_reps=5
[ "${BENCH_QUICK:-0}" = 1 ] && taxii_reps=1
"$build/bench/bench_taxii" --reps "$taxii_reps" >"$work/taxii.jsonl" 2>"$work/taxii.txt"
cat "$work/taxii.txt"
tfirst=$(grep -F '"collection":2000,' "$work/taxii.jsonl" | grep -F '"case":"first page')
tmid=$(grep -F '"collection":2000,' "$work/taxii.jsonl" | grep -F '"case":"page in the middle')
tbig=$(grep -F '"collection":1000000,' "$work/taxii.jsonl" | grep -F '"case":"page in the middle')

fi # BENCH_ONLY

# ---- delivery: fan-out to a local webhook receiver ----
# A third server, on its own data directories, with every delivery going to bench/receiver:
#  - drain: N reports are created and submitted with the worker off (--delivery-enabled=0), the
#    server is restarted with it on, and the receiver measures how fast the backlog arrives;
#    once with the receiver checking every signature, once without (the fast path). Each drain
#    starts from a fresh copy of the accounts, so every run sees the same history;
#  - latency: one report created, previewed (?dry_run=true) and submitted every 1/rate s with
#    the worker on; for each webhook submission, the receiver's arrival time − the 201 of its
#    submit; every submit is checked to send exactly the previewed ids and SHA-256.
say ""
say "== delivery: fan-out to a local webhook receiver (bench_delivery, receiver)"
dlv_reports=${BENCH_DELIVERY_REPORTS:-4000}
dlv_rate=${BENCH_DELIVERY_RATE:-100}
dlv_secs=${BENCH_DELIVERY_SECONDS:-20}
dlv_preview=--preview # and a run without it in each repetition (the baseline)
[ "${BENCH_DELIVERY_PREVIEW:-1}" = 0 ] && dlv_preview=
dlv_reps=$reps
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    dlv_reports=${BENCH_DELIVERY_REPORTS:-400} dlv_secs=${BENCH_DELIVERY_SECONDS:-5}
fi
dtmpl=$work/data-dlv-accounts
dadmin() { "$bin" admin "$@" --data-dir "$dtmpl" 2>>"$work/admin.log"; }
printf 'bench-admin-password-%s\n' "$$" | dadmin create-admin --username benchadmin \
    --password-stdin >/dev/null || die "create-admin failed (see $work/admin.log)"
dorg=$(dadmin create-org --name-ja ベンチマーク株式会社 --name-en "Bench Co." --kind company) ||
    die "create-org failed"
printf 'bench-reporter-password-%s\n' "$$" | dadmin create-user --org-id "$dorg" \
    --username benchreporter --display-name "Bench reporter" --role reporter \
    --password-stdin >/dev/null || die "create-user failed"
dadmin create-token --username benchreporter >"$work/dlv-token" || die "create-token failed"
dadmin create-token --username benchadmin >"$work/dlv-admin-token" || die "create-token failed"
od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$work/dlv-secret"

"$build/bench/receiver" --ready-file "$work/ready-receiver" --secret-file "$work/dlv-secret" \
    --max-seconds 1800 >"$work/receiver.json" 2>>"$work/receiver.log" &
pids[receiver]=$!
for _ in $(seq 1 50); do
    [ -s "$work/ready-receiver" ] && break
    sleep 0.1
done
[ -s "$work/ready-receiver" ] || die "the receiver did not start (log: $work/receiver.log)"
rport=$(cat "$work/ready-receiver")
# PPC, individuals, the NCO and the police: four webhooks per full report with response.other
# on its first submit (the PPC's final stage waits for a later submit, issue 10; mlit lacks
# fields in the example and is not sent)
{
    printf '{"format":"ichigen-delivery/1","recipients":{'
    sep=""
    for rcp in ppc jp-individuals nco prefectural-police mlit; do
        printf '%s"%s":{"channel":"webhook","endpoint":"http://127.0.0.1:%s/%s","secret":"%s",' \
            "$sep" "$rcp" "$rport" "$rcp" "$(cat "$work/dlv-secret")"
        printf '"concurrency":64,"timeout_s":10}'
        sep=","
    done
    printf '}}\n'
} >"$work/delivery.json"

dport="" dcpu0=0
dserver() { # dserver 0|1: (re)start the delivery server with the worker off or on
    local ready=$work/ready-dlv
    dserver_stop
    rm -f "$ready"
    "$bin" serve --data-dir "$work/data-dlv" --port 0 --ready-file "$ready" --log-level warn \
        --delivery-file="$work/delivery.json" --delivery-allow-http-loopback=1 \
        --delivery-enabled="$1" >>"$work/server-dlv.log" 2>&1 &
    pids[dlv]=$!
    for _ in $(seq 1 100); do
        [ -s "$ready" ] && break
        kill -0 "${pids[dlv]}" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -s "$ready" ]; then
        tail -20 "$work/server-dlv.log" >&2
        BENCH_KEEP=1
        die "the delivery server did not start (log: $work/server-dlv.log)"
    fi
    dport=$(cat "$ready")
    dcpu0=$(awk '{print $14 + $15}' "/proc/${pids[dlv]}/stat")
}
dserver_stop() {
    [ -n "${pids[dlv]:-}" ] || return 0
    kill "${pids[dlv]}" 2>/dev/null
    wait "${pids[dlv]}" 2>/dev/null
    unset "pids[dlv]"
}
dmetric() { # dmetric NAME: a plain series from the delivery server's /metrics
    exec 3<>"/dev/tcp/127.0.0.1/$dport" || return
    printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
        "$(cat "$work/dlv-admin-token")" >&3
    awk -v n="$1" '$1 == n {print $2}' <&3
    exec 3<&-
}
rreset() { # rreset VERIFY: the receiver forgets everything; signatures checked (1) or not (0)
    exec 3<>"/dev/tcp/127.0.0.1/$rport" || return
    printf 'POST /_reset?verify=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' \
        "$1" >&3
    cat <&3 >/dev/null
    exec 3<&-
}
bd=$build/bench/bench_delivery

# dlv_drain VERIFY NAME: one drain from a fresh data directory; records NAME_* figures
dlv_drain() {
    local out n c w cpu
    rm -rf "$work/data-dlv"
    cp -a "$dtmpl" "$work/data-dlv"
    dserver 0
    out=$("$bd" --mode preload --port "$dport" --token-file "$work/dlv-token" \
        --reports "$dlv_reports" --connections 16 --label "preload" 2>"$work/bd.err")
    cat "$work/bd.err"
    printf '%s\n' "$out" >>"$results"
    n=$(printf '%s' "$out" | jget webhook)
    rreset "$1"
    dserver 1
    out=$("$bd" --mode drain --receiver-port "$rport" --expect "${n:-1}" --idle 10 \
        --label "drain-verify$1" 2>"$work/bd.err")
    cat "$work/bd.err"
    c=$(dmetric ichigen_store_commits_total) w=$(dmetric ichigen_store_commit_duration_seconds_sum)
    cpu=$(awk '{print $14 + $15}' "/proc/${pids[dlv]}/stat")
    n=$(printf '%s' "$out" | jget unique)
    out="${out%\}},\"commits\":${c:-0},\"commit_s\":${w:-0},\"server_cpu_s\":$(div "$((cpu - dcpu0))" "$clk" %.2f)}"
    printf '%s\n' "$out" >>"$results"
    rec "$2_rate" "$(printf '%s' "$out" | jget steady_per_s)"
    rec "$2_overall" "$(printf '%s' "$out" | jget overall_per_s)"
    rec "$2_min1s" "$(printf '%s' "$out" | jget steady_min_1s)"
    rec "$2_max1s" "$(printf '%s' "$out" | jget steady_max_1s)"
    rec "$2_dups" "$(printf '%s' "$out" | jget duplicates)"
    rec "$2_badsig" "$(printf '%s' "$out" | jget bad_signature)"
    rec "$2_per_commit" "$(div "${n:-0}" "${c:-0}" %.1f)"
    rec "$2_commit_ms" "$(div "$(awk -v s="${w:-0}" 'BEGIN {print s * 1000}')" "${c:-0}" %.1f)"
    rec "$2_cpu" "$(div "$(awk -v t="$((cpu - dcpu0))" -v hz="$clk" 'BEGIN {print t / hz * 1e6}')" \
        "${n:-0}" %.0f)"
    rec "$2_n" "${n:-0}"
    say "        $n deliveries, $(div "${n:-0}" "${c:-0}" %.1f) per commit (each commit one fsync)," \
        "writer busy $(awk -v s="${w:-0}" 'BEGIN {printf "%.1f", s}') s; server CPU" \
        "$(div "$(awk -v t="$((cpu - dcpu0))" -v hz="$clk" 'BEGIN {print t / hz * 1e6}')" "${n:-0}" %.0f) µs per delivery"
}

# dlv_latency PREFIX FLAG: reports created and submitted at dlv_rate per second with the worker
# on; FLAG --preview previews each submit first (issue 10's figure), "" submits directly (the
# baseline run in the same repetition, so that a noisy minute moves both)
dlv_latency() {
    local out prefix=$1 flag=$2
    rm -rf "$work/data-dlv"
    cp -a "$dtmpl" "$work/data-dlv"
    rreset 1
    dserver 1
    out=$("$bd" --mode latency --port "$dport" --receiver-port "$rport" \
        --token-file "$work/dlv-token" --rate "$dlv_rate" --duration "$dlv_secs" --warmup 2 \
        --wait 30 $flag --label "latency${flag:+ $flag}" 2>"$work/bd.err")
    cat "$work/bd.err"
    printf '%s\n' "$out" >>"$results"
    for k in p50 p90 p99 max missing late duplicates bad_signature submit_p99 measured \
        preview_p99 preview_mismatch; do
        rec "${prefix}_$k" "$(printf '%s' "$out" | jget "$k")"
    done
    dserver_stop
}

for rep in $(seq 1 "$dlv_reps"); do
    say ""
    say "-- delivery repetition $rep of $dlv_reps: $dlv_reports reports preloaded, then drained;"
    say "   then $dlv_rate reports/s for $dlv_secs s (after 2 s not measured), worker on"
    dlv_drain 1 dlv
    dlv_drain 0 dlvfast
    dlv_latency dlat --preview
    [ -n "$dlv_preview" ] && dlv_latency dlatnp ""
done
kill "${pids[receiver]}" 2>/dev/null
wait "${pids[receiver]}" 2>/dev/null
unset "pids[receiver]"

[ "${BENCH_PG:-1}" = 0 ] || [ -n "${BENCH_ONLY:-}" ] || pg_section # not with BENCH_ONLY=delivery

# ---- summary ----
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
fs_type=$(df -PT "$work" | awk 'NR == 2 {print $2 " (" $1 ", mounted on " $7 ")"}')
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date +%s) - started))

cr=$(med create_rps) rr=$(med read_rps) hr=$(med health_rps) fa=$(med fsync_append)
fo=$(med fsync_overwrite)
say ""
say "================================ summary ================================"
say "date        $(date -u +%Y-%m-%d) ($(date -u +%H:%M) UTC), $elapsed s in all"
say "machine     $(nproc) CPUs: ${cpu_model:-unknown}; RAM $mem"
say "kernel      $(uname -sr)"
say "data dir    $fs_type"
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || printf '?'; }
say "software    $("$bin" version 2>/dev/null); SQLite $(pkgver libsqlite3-0)," \
    "libmicrohttpd $(pkgver libmicrohttpd12), jansson $(pkgver libjansson4), gcc $(gcc -dumpversion)"
say "load avg    start $load_start, end $load_end (a shared machine: figures vary)"
say "conditions  loopback, keep-alive, ${dur}s measured after ${warm}s warm-up, median of $reps;"
say "            loadgen $lthreads threads; body $body ($(wc -c <"$body") bytes); synchronous=FULL WAL"
say ""
say "| measurement | median | target | notes |"
say "|---|---|---|---|"
say "| create full report ($(wc -c <"$body") bytes), $conns conn (reports/s) | $cr | ≥ 5,000 | p50 $(med create_p50) ms, p99 $(med create_p99) ms (target ≤ 50); errors $(med create_errors); $(med create_batch) writes/commit, $(med create_commit_ms) ms/commit; server CPU $(med create_cpu) µs/report, loadgen $(med create_ccpu) µs |"
say "| create early warning ($(wc -c <"$ew_body") bytes), $conns conn (reports/s) | $(med ew_rps) | ≥ 5,000 | p50 $(med ew_p50) ms, p99 $(med ew_p99) ms (target ≤ 50); errors $(med ew_errors); $(med ew_batch) writes/commit; server CPU $(med ew_cpu) µs/report |"
say "| create, 1 conn (reports/s) | $(med create1_rps) | | p99 $(med create1_p99) ms; $(med create1_batch) writes/commit |"
say "| create, 16 conn (reports/s) | $(med create16_rps) | | p99 $(med create16_p99) ms; $(med create16_batch) writes/commit |"
say "| create, $conns conn, log level info | $(med info_rps) | | p99 $(med info_p99) ms; server CPU $(med info_cpu) µs/report ($(div "$(med info_rps)" "$cr") × the warn-level rate) |"
say "| read by id, $conns conn (requests/s) | $rr | ≥ 20,000 | p50 $(med read_p50) ms, p99 $(med read_p99) ms; errors $(med read_errors); server CPU $(med read_cpu) µs/request |"
say "| baseline: GET /healthz, $conns conn | $hr | | bare HTTP stack |"
if [ -n "${web_js:-}" ]; then
    say "| web UI: GET the first page's script (gzip, $web_js_gz bytes), $conns conn (requests/s) | $(med static_rps) | | p99 $(med static_p99) ms; server CPU $(med static_cpu) µs/request; $(div "$(med static_rps)" "$hr") × healthz; index.html $(med index_rps)/s, p99 $(med index_p99) ms |"
else
    say "| web UI: static files | n/a | | web/dist not built |"
fi
taxii_rows
say "| baseline: write+fdatasync 4 KiB | $fa /s append, $fo /s overwrite | | p50 $(med fsync_p50) ms (append) |"
say "| validate full-report.json (reports/s) | $(printf '%s' "$full" | jget all_per_s) | | parse $(printf '%s' "$full" | jget parse_per_s)/s, validate $(printf '%s' "$full" | jget validate_per_s)/s, SHA-256 $(printf '%s' "$full" | jget sha256_per_s)/s; $(printf '%s' "$full" | jget all_us) µs each |"
say "| validate early-warning.json (reports/s) | $(printf '%s' "$early" | jget all_per_s) | | parse $(printf '%s' "$early" | jget parse_per_s)/s, validate $(printf '%s' "$early" | jget validate_per_s)/s, SHA-256 $(printf '%s' "$early" | jget sha256_per_s)/s |"
say "| store alone: create full report, 64 threads (creates/s) | $(printf '%s' "$sfull" | jget creates_per_s) | | writer thread $(printf '%s' "$sfull" | jget writer_us) µs/report (caps intake at 10⁶ / that), whole process $(printf '%s' "$sfull" | jget cpu_us) µs |"
say "| store alone: create early warning, 64 threads (creates/s) | $(printf '%s' "$sew" | jget creates_per_s) | | writer thread $(printf '%s' "$sew" | jget writer_us) µs/report, whole process $(printf '%s' "$sew" | jget cpu_us) µs |"
say "| obligations: evaluate the rule set, early-warning report (reports/s, 1 core) | $(printf '%s' "$rew" | jget reports_per_s) | ≥ 200,000 | $(printf '%s' "$rew" | jget us_per_report) µs; $(printf '%s' "$rew" | jget applicable) of $(printf '%s' "$rew" | jget stages) stages apply; with explanations $(printf '%s' "$rewx" | jget reports_per_s)/s |"
say "| obligations: evaluate the rule set, full report (reports/s, 1 core) | $(printf '%s' "$rfull" | jget reports_per_s) | ≥ 200,000 | $(printf '%s' "$rfull" | jget us_per_report) µs; $(printf '%s' "$rfull" | jget applicable) stages apply |"
say "| obligations: load rules, calendars, recipients, tz (ms) | $(printf '%s' "$rload" | jget ms) | < 50 | $(printf '%s' "$rload" | jget rules) rules, $(printf '%s' "$rload" | jget stages) stages |"
say "| risk: loss draws per second, 1 core, lognormal90 loss (millions) | $(div "$(printf '%s' "$rhot_ln" | jget samples_per_s)" 1e6 %.1f) | ≥ 50 | inside the simulation (1,000 loss events a year); batch draws $(div "$(printf '%s' "$rfill_ln" | jget samples_per_s)" 1e6 %.1f) M/s |"
say "| risk: loss draws per second, 1 core, PERT loss (millions) | $(div "$(printf '%s' "$rhot_pert" | jget samples_per_s)" 1e6 %.1f) | ≥ 50 | inside the simulation; batch draws $(div "$(printf '%s' "$rfill_pert" | jget samples_per_s)" 1e6 %.1f) M/s |"
say "| risk: 20 scenarios × 1,000,000 years, $(printf '%s' "$rportn" | jget threads) threads (s) | $(printf '%s' "$rportn" | jget s) | < 1 | 1 thread $(printf '%s' "$rport1" | jget s) s; speed-up $(printf '%s' "$rportn" | jget speedup); median of $risk_reps |"
say "| render: NCO workbook, full ransomware report, 1 thread (ms) | p50 $(printf '%s' "$rnco" | jget p50_ms) | ≤ 20 | p99 $(printf '%s' "$rnco" | jget p99_ms), max $(printf '%s' "$rnco" | jget max_ms) of $(printf '%s' "$rnco" | jget count); DDoS report p50 $(printf '%s' "$rddos" | jget p50_ms), p99 $(printf '%s' "$rddos" | jget p99_ms); PPC workbook p50 $(printf '%s' "$rppc" | jget p50_ms); NCO PDF p50 $(printf '%s' "$rpdf" | jget p50_ms) |"
say "| inbox: a page of 50 over 100,000 submissions, newest first (ms, server work without HTTP) | $(printf '%s' "$inew" | jget p50_ms) | ≤ 5 | p90 $(printf '%s' "$inew" | jget p90_ms), p99 $(printf '%s' "$inew" | jget p99_ms); use case alone $(printf '%s' "$inew" | jget usecase_p50_ms); by deadline p50 $(printf '%s' "$ideadline" | jget p50_ms); 200 pages deep p50 $(printf '%s' "$ideep" | jget p50_ms) |"
[ -n "$xindex" ] && index_row
if [ -n "${stix:-}" ]; then
    say "| STIX import: ATT&CK for ICS bundle, $(printf '%s' "$stix" | jget objects) objects, map + parse + check, fresh process (CPU ms) | $(printf '%s' "$stix" | jget fresh_cpu_ms) | < Python json.load | python3 json.load of the same file in a fresh process: CPU $stix_pyc ms ($(div "$stix_pyc" "$(printf '%s' "$stix" | jget fresh_cpu_ms)") × ours); wall: ours $(printf '%s' "$stix" | jget fresh_ms) ms fresh, $(printf '%s' "$stix" | jget import_ms) ms in process, python $stix_py ms; parse alone $(printf '%s' "$stix" | jget parse_ms) ms; jansson json_loadb $(printf '%s' "$stix" | jget jansson_ms) ms |"
fi
say "| TAXII: an objects page of 100 from 2,000 objects, in process (pages per CPU-second) | $(printf '%s' "$tfirst" | jget pages_per_s) | — | from a cursor in the middle $(printf '%s' "$tmid" | jget pages_per_s); from 1,000,000 objects $(printf '%s' "$tbig" | jget pages_per_s); the HTTP figure (≥ 1,000 req/s) comes with the server routes |"
say "| delivery: fan-out, backlog drained to a local webhook receiver, signatures checked (deliveries/s) | $(med dlv_rate) | ≥ 2,000 | $dlv_reports reports, $(med dlv_n) webhook deliveries, steady rate; overall $(med dlv_overall)/s; 1 s windows $(med dlv_min1s)–$(med dlv_max1s); $(med dlv_per_commit) outcomes/commit, $(med dlv_commit_ms) ms/commit; server CPU $(med dlv_cpu) µs/delivery; duplicates $(med dlv_dups), bad signatures $(med dlv_badsig) |"
say "| delivery: the same, receiver not checking signatures (deliveries/s) | $(med dlvfast_rate) | | overall $(med dlvfast_overall)/s; server CPU $(med dlvfast_cpu) µs/delivery |"
say "| delivery: submit (after its preview) 201 → receiver has it, at $dlv_rate reports/s (ms) | p99 $(med dlat_p99) | p99 ≤ 10 | p50 $(med dlat_p50), p90 $(med dlat_p90), max $(med dlat_max); $(med dlat_measured) deliveries measured, $(med dlat_missing) missing; late starts $(med dlat_late); submit p99 $(med dlat_submit_p99) ms, preview p99 $(med dlat_preview_p99) ms; submits differing from their preview $(med dlat_preview_mismatch); the same without the preview: p99 $(med dlatnp_p99), p50 $(med dlatnp_p50), submit p99 $(med dlatnp_submit_p99) ms |"
[ "${BENCH_PG:-1}" = 0 ] || [ -n "${BENCH_ONLY:-}" ] || pg_rows
say ""
say "ratios (same invocation):"
ratio=$(div "$cr" "$fa") batch=$(med create_batch)
say "  create ÷ fsync(append) rate = $ratio  (the smallest batch that would explain the rate if"
say "                                each commit cost one 4 KiB fsync; measured: $batch writes/commit"
say "                                $(awk -v r="$ratio" -v b="$batch" 'BEGIN {
    if (r == "n/a" || b == "n/a") print "- n/a)"
    else if (b > 2 * r) print "- well above: fsync is not what limits creation)"
    else print "- close: the writer mostly waits for fsync)" }')"
say "  read ÷ healthz rate        = $(div "$rr" "$hr")  (share of bare HTTP throughput left after auth + SQLite + response)"
say "  create ÷ healthz rate      = $(div "$cr" "$hr")"
say "  create ÷ in-process validation rate (1 thread) = $(div "$cr" "$(printf '%s' "$full" | jget all_per_s)")"
say "  delivery drain ÷ create rate = $(div "$(med dlv_rate)" "$cr")  (deliveries per second against reports created per second)"
say "  delivery drain, signatures checked ÷ not checked = $(div "$(med dlv_rate)" "$(med dlvfast_rate)")"
say "durability check: $(printf '%s\n' ${fig[verified]:-0} | awk '{s += $1} END {print s}') acknowledged reports read back," \
    "$(printf '%s\n' ${fig[verify_errors]:-0} | awk '{s += $1} END {print s}') missing or wrong"
say "raw results: one JSON line per run in $results$([ "${BENCH_KEEP:-0}" = 1 ] || printf ' (removed; BENCH_KEEP=1 keeps it)')"
exit 0
