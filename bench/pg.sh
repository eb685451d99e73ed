# bench/pg.sh — the PostgreSQL figures of `make bench` (issue 14; bench/README.md, "PostgreSQL
# and several nodes"). Sourced by bench/run.sh, whose helpers and settings it uses (say, rec,
# med, div, jget, $bin, $lg, $build, $work, $conns, $lthreads, $body, $dur, $warm, $reps).
#
# A throw-away cluster of scripts/pg.sh (a Unix socket only, fsync and synchronous_commit on) is
# started for the section and stopped after it. Every figure is measured in this invocation,
# repetitions interleaved so that a noisy minute moves every figure of a repetition alike:
#   intake    POST /api/v1/reports (201), 64 connections: SQLite (a fresh server on its own
#             data directory), PostgreSQL with one node, PostgreSQL with two nodes on the same
#             database (the 64 connections split over both). Per run the CPU time of the ichigen
#             processes, of every postgres process of the cluster and of the load generator.
#   drain     BENCH_PG_DELIVERY_REPORTS reports created and submitted with the worker off, then
#             1 node or 3 nodes started with the worker on, all claiming the same outbox: time
#             from the first node's start to the last first arrival at bench/receiver, and
#             whether any key arrived twice, or twice with different bytes.
#   failover  a node with a short lease (BENCH_PG_LEASE seconds) claims a handful of
#             submissions whose webhook never answers (a socket that accepts and never reads),
#             a second node is started, the first is killed with SIGKILL: time from the kill to
#             the second node having delivered every one of them to the receiver.
# Nothing here fails the run: a figure that cannot be measured is printed as n/a.

pg_dir="" pg_url="" pg_pm="" pg_ready=0
pg_psql=${PGBIN:-/usr/lib/postgresql/15/bin}/psql
declare -A pg_port pg_last # pg_last[PREFIX]: the rate of this repetition's PREFIX run

pg_cleanup() { # stops the cluster (run.sh's exit trap calls this too)
    [ -n "$pg_dir" ] || return 0
    scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1
    rm -rf "$pg_dir"
    pg_dir=""
}

pg_sql() { "$pg_psql" -X -q -tA -d "$pg_url" -c "$1" 2>>"$work/pg-psql.log"; }

# pg_ticks PID…: user+system clock ticks of those processes (0 for one that is gone)
pg_ticks() {
    local t=0 p v
    for p in "$@"; do
        v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null)
        t=$((t + ${v:-0}))
    done
    printf '%s\n' "$t"
}
# the postmaster and every process it started (backends, WAL writer, checkpointer, …)
pg_procs() {
    printf '%s\n' "$pg_pm"
    awk -v pm="$pg_pm" '$4 == pm {print $1}' /proc/[0-9]*/stat 2>/dev/null
}
pg_cluster_ticks() { pg_ticks $(pg_procs); }

# pg_node_start NAME ARGS…: `ichigen serve` on the cluster, its own data directory; no wait
pg_node_start() {
    local name=$1
    shift
    rm -f "$work/ready-pg-$name"
    mkdir -p "$work/pgnode-$name"
    "$bin" serve --data-dir "$work/pgnode-$name" --store-url "$pg_url" --port 0 \
        --ready-file "$work/ready-pg-$name" --log-level warn "$@" \
        >>"$work/server-pg-$name.log" 2>&1 &
    pids[pg-$name]=$!
}
pg_node_wait() { # pg_node_wait NAME: until it listens (bounded); 1 when it did not start
    local name=$1
    for _ in $(seq 1 200); do
        [ -s "$work/ready-pg-$name" ] && break
        kill -0 "${pids[pg-$name]}" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -s "$work/ready-pg-$name" ]; then
        tail -5 "$work/server-pg-$name.log" >&2
        say "  (node $name did not start; log kept in $work/server-pg-$name.log)"
        BENCH_KEEP=1
        return 1
    fi
    pg_port[$name]=$(cat "$work/ready-pg-$name")
}
pg_node() { pg_node_start "$@" && pg_node_wait "$1"; }
pg_node_stop() { # pg_node_stop NAME [SIGNAL]
    [ -n "${pids[pg-$1]:-}" ] || return 0
    kill "-${2:-TERM}" "${pids[pg-$1]}" 2>/dev/null
    wait "${pids[pg-$1]}" 2>/dev/null
    unset "pids[pg-$1]"
}

pg_setup() {
    local org
    pg_dir=$(mktemp -d /tmp/ichigen-bench-pg.XXXXXX) || return 1 # short: a socket path
    if ! pg_url=$(scripts/pg.sh start "$pg_dir" 2>>"$work/pg-cluster.log"); then
        say "PostgreSQL: the cluster did not start (scripts/pg.sh; $work/pg-cluster.log): skipped"
        return 1
    fi
    pg_pm=$(head -1 "$pg_dir/data/postmaster.pid")
    mkdir -p "$work/pgnode-admin"
    pgadmin() {
        "$bin" "$@" --store-url "$pg_url" --data-dir "$work/pgnode-admin" 2>>"$work/admin.log"
    }
    pgadmin migrate >/dev/null || return 1
    printf 'bench-admin-password-%s\n' "$$" | pgadmin admin create-admin --username benchadmin \
        --password-stdin >/dev/null || return 1
    org=$(pgadmin admin create-org --name-ja ベンチマーク株式会社 --name-en "Bench Co." \
        --kind company) || return 1
    printf 'bench-reporter-password-%s\n' "$$" | pgadmin admin create-user --org-id "$org" \
        --username benchreporter --display-name "Bench reporter" --role reporter \
        --password-stdin >/dev/null || return 1
    pgadmin admin create-token --username benchreporter >"$work/pg-token" || return 1
    # the SQLite comparison: the same accounts made the same way, on a file of its own
    pqadmin() { "$bin" admin "$@" --data-dir "$work/data-pgsq" 2>>"$work/admin.log"; }
    printf 'bench-admin-password-%s\n' "$$" | pqadmin create-admin --username benchadmin \
        --password-stdin >/dev/null || return 1
    org=$(pqadmin create-org --name-ja ベンチマーク株式会社 --name-en "Bench Co." \
        --kind company) || return 1
    printf 'bench-reporter-password-%s\n' "$$" | pqadmin create-user --org-id "$org" \
        --username benchreporter --display-name "Bench reporter" --role reporter \
        --password-stdin >/dev/null || return 1
    pqadmin create-token --username benchreporter >"$work/pgsq-token" || return 1
    pg_ready=1
}

# pg_intake PREFIX TOKEN "PORT…" "PID…" DBTICKS: create runs at $conns connections split evenly
# over the ports (one load generator each, started together); records PREFIX_rps (the sum),
# PREFIX_p99 (the worst), PREFIX_errors, and CPU µs per acknowledged report of the ichigen
# processes (PREFIX_ich), of the cluster (PREFIX_db, when DBTICKS is 1) and of the load
# generators (PREFIX_lg)
pg_intake() {
    local prefix=$1 token=$2 ports=($3) npids=($4) dbt=$5
    local k=${#ports[@]} i i0 i1 d0=0 d1=0 f rps=0 p99=0 err=0 ack=0 lgc=0 lgp=()
    local c=$((conns / k)) t=$((lthreads / k))
    [ "$t" -ge 1 ] || t=1
    i0=$(pg_ticks "${npids[@]}")
    [ "$dbt" = 1 ] && d0=$(pg_cluster_ticks)
    for i in "${!ports[@]}"; do
        "$lg" --port "${ports[$i]}" --label "$prefix-$i" --mode create --token-file "$token" \
            --body "$body" --connections "$c" --threads "$t" --duration "$dur" \
            --warmup "$warm" >"$work/pgi-$i.json" 2>"$work/pgi-$i.err" &
        lgp+=($!)
    done
    wait "${lgp[@]}"
    i1=$(pg_ticks "${npids[@]}")
    [ "$dbt" = 1 ] && d1=$(pg_cluster_ticks)
    for i in "${!ports[@]}"; do
        f=$work/pgi-$i.json
        sed 's/^/  /' "$work/pgi-$i.err"
        cat "$f" >>"$results"
        rps=$(awk -v a="$rps" -v b="$(jget rps <"$f")" 'BEGIN {printf "%.1f", a + b}')
        p99=$(awk -v a="$p99" -v b="$(jget p99 <"$f")" 'BEGIN {print (b + 0 > a + 0) ? b : a}')
        err=$((err + $(jget errors <"$f" | sed 's/^$/0/')))
        ack=$((ack + $(jget acknowledged_total <"$f" | sed 's/^$/0/')))
        lgc=$(awk -v a="$lgc" -v b="$(jget client_cpu_s <"$f")" 'BEGIN {print a + b}')
    done
    rec "${prefix}_rps" "$rps"
    pg_last[$prefix]=$rps
    rec "${prefix}_p99" "$p99"
    rec "${prefix}_errors" "$err"
    rec "${prefix}_ich" "$(div "$(((i1 - i0) * 1000000 / clk))" "$ack" %.0f)"
    rec "${prefix}_db" "$(div "$(((d1 - d0) * 1000000 / clk))" "$ack" %.0f)"
    rec "${prefix}_lg" "$(div "$(awk -v s="$lgc" 'BEGIN {print s * 1e6}')" "$ack" %.0f)"
    say "        $prefix: $rps reports/s in all, CPU per report: ichigen" \
        "$(div "$(((i1 - i0) * 1000000 / clk))" "$ack" %.0f) µs, postgres" \
        "$(div "$(((d1 - d0) * 1000000 / clk))" "$ack" %.0f) µs, load generator" \
        "$(div "$(awk -v s="$lgc" 'BEGIN {print s * 1e6}')" "$ack" %.0f) µs"
}

pg_rreset() { # the receiver forgets everything; signatures checked
    exec 3<>"/dev/tcp/127.0.0.1/$pg_rport" || return
    printf 'POST /_reset?verify=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' >&3
    cat <&3 >/dev/null
    exec 3<&-
}
pg_rstats() { # the receiver's /_stats object
    exec 3<>"/dev/tcp/127.0.0.1/$pg_rport" || return
    printf 'GET /_stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    sed -n '/^{/p' <&3
    exec 3<&-
}
now_ms() { date +%s%3N; }

# pg_preload N: N reports created and submitted through a node with the worker off; pg_n is the
# number of webhook submissions they made
pg_n=0
pg_preload() {
    local out
    pg_n=0
    pg_node pre --delivery-enabled=0 --delivery-file="$work/pg-delivery.json" \
        --delivery-allow-http-loopback=1 || return 1
    out=$("$build/bench/bench_delivery" --mode preload --port "${pg_port[pre]}" \
        --token-file "$work/pg-token" --reports "$1" --connections 16 --label pg-preload \
        2>"$work/bd.err")
    sed 's/^/  /' "$work/bd.err"
    printf '%s\n' "$out" >>"$results"
    pg_node_stop pre
    pg_n=$(printf '%s' "$out" | jget webhook)
    [ -n "$pg_n" ] && [ "$pg_n" -gt 0 ]
}

# pg_drain PREFIX NODES: a preloaded backlog drained by NODES nodes started together
pg_drain() {
    local prefix=$1 k=$2 n t0 out last i ich=0 d0 d1 np=()
    pg_preload "$pg_dlv_reports" || return
    n=$pg_n
    pg_rreset
    d0=$(pg_cluster_ticks)
    t0=$(now_ms)
    for i in $(seq 1 "$k"); do
        pg_node_start "d$i" --delivery-file="$work/pg-delivery.json" \
            --delivery-allow-http-loopback=1 --delivery-enabled=1
    done
    for i in $(seq 1 "$k"); do
        pg_node_wait "d$i" || return
        np+=("${pids[pg-d$i]}")
    done
    out=$("$build/bench/bench_delivery" --mode drain --receiver-port "$pg_rport" --expect "$n" \
        --idle 10 --label "pg-drain-$k" 2>"$work/bd.err")
    sed 's/^/  /' "$work/bd.err"
    ich=$(pg_ticks "${np[@]}")
    d1=$(pg_cluster_ticks)
    for i in $(seq 1 "$k"); do pg_node_stop "d$i"; done
    printf '%s\n' "$out" >>"$results"
    last=$(printf '%s' "$out" | jget last_ms)
    local secs
    secs=$(awk -v a="$last" -v b="$t0" 'BEGIN {printf "%.2f", (a - b) / 1000}')
    rec "${prefix}_s" "$secs"
    rec "${prefix}_rate" "$(div "$n" "$secs" %.0f)"
    pg_last[$prefix]=$(div "$n" "$secs" %.0f)
    rec "${prefix}_steady" "$(printf '%s' "$out" | jget steady_per_s)"
    rec "${prefix}_n" "$n"
    rec "${prefix}_unique" "$(printf '%s' "$out" | jget unique)"
    rec "${prefix}_dups" "$(printf '%s' "$out" | jget duplicates)"
    rec "${prefix}_differing" "$(printf '%s' "$out" | jget differing)"
    rec "${prefix}_ich" "$(div "$((ich * 1000000 / clk))" "$n" %.0f)"
    rec "${prefix}_db" "$(div "$(((d1 - d0) * 1000000 / clk))" "$n" %.0f)"
    say "        $k node(s): $n deliveries in $secs s from the first node's start to the last" \
        "arrival ($(div "$n" "$secs" %.0f)/s); duplicates $(printf '%s' "$out" | jget duplicates)," \
        "with different bytes $(printf '%s' "$out" | jget differing); CPU per delivery: ichigen" \
        "$(div "$((ich * 1000000 / clk))" "$n" %.0f) µs, postgres $(div "$(((d1 - d0) * 1000000 / clk))" "$n" %.0f) µs"
}

# pg_failover PREFIX: node A (lease BENCH_PG_LEASE s) claims a backlog whose webhook never
# answers; node B starts; A is killed with SIGKILL; time until B has delivered all of it
pg_failover() {
    local prefix=$1 n bh tk tc sending=0 st u=0 last
    pg_preload "$pg_fo_reports" || return
    n=$pg_n
    pg_rreset
    # a socket that accepts (the kernel's backlog) and never reads or answers
    rm -f "$work/ready-hole"
    python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1024)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(600)' "$work/ready-hole" &
    pids[hole]=$!
    for _ in $(seq 1 100); do
        [ -s "$work/ready-hole" ] && break
        sleep 0.05
    done
    bh=$(cat "$work/ready-hole" 2>/dev/null)
    sed "s#127.0.0.1:$pg_rport/#127.0.0.1:$bh/#g; s#\"timeout_s\":10#\"timeout_s\":120#g" \
        "$work/pg-delivery.json" >"$work/pg-delivery-hole.json"
    pg_node fa --delivery-file="$work/pg-delivery-hole.json" --delivery-allow-http-loopback=1 \
        --delivery-enabled=1 --delivery-lease-s="$pg_lease" || return
    for _ in $(seq 1 400); do # until A has every one of them leased (bounded: 20 s)
        sending=$(pg_sql "SELECT count(*) FROM submissions WHERE status = 'sending'")
        [ "${sending:-0}" -ge "$n" ] && break
        sleep 0.05
    done
    tc=$(now_ms)
    pg_node fb --delivery-file="$work/pg-delivery.json" --delivery-allow-http-loopback=1 \
        --delivery-enabled=1 --delivery-lease-s="$pg_lease" || return
    tk=$(now_ms)
    pg_node_stop fa KILL
    for _ in $(seq 1 $((pg_lease * 20 + 600))); do # bounded: the lease + 30 s
        st=$(pg_rstats)
        u=$(printf '%s' "$st" | jget unique)
        [ "${u:-0}" -ge "$n" ] && break
        sleep 0.05
    done
    pg_node_stop fb
    kill "${pids[hole]}" 2>/dev/null
    wait "${pids[hole]}" 2>/dev/null
    unset "pids[hole]"
    last=$(printf '%s' "$st" | jget last_ms)
    rec "${prefix}_n" "$n"
    rec "${prefix}_leased" "$sending"
    rec "${prefix}_delivered" "${u:-0}"
    rec "${prefix}_s" "$(awk -v a="$last" -v b="$tk" 'BEGIN {printf "%.2f", (a - b) / 1000}')"
    rec "${prefix}_first_s" "$(awk -v a="$(printf '%s' "$st" | jget first_ms)" -v b="$tk" \
        'BEGIN {printf "%.2f", (a - b) / 1000}')"
    rec "${prefix}_held_s" "$(awk -v a="$tk" -v b="$tc" 'BEGIN {printf "%.2f", (a - b) / 1000}')"
    say "        failover: $sending of $n submissions leased by node A; A killed" \
        "$(awk -v a="$tk" -v b="$tc" 'BEGIN {printf "%.2f", (a - b) / 1000}') s after" \
        "they were all leased; node B delivered ${u:-0} of them, the last" \
        "$(awk -v a="$last" -v b="$tk" 'BEGIN {printf "%.2f", (a - b) / 1000}') s after the kill" \
        "(lease $pg_lease s)"
}

pg_section() {
    say ""
    say "== PostgreSQL and several nodes (issue 14): a throw-away cluster of scripts/pg.sh"
    pg_dlv_reports=${BENCH_PG_DELIVERY_REPORTS:-1000}
    pg_fo_reports=${BENCH_PG_FAILOVER_REPORTS:-10}
    pg_lease=${BENCH_PG_LEASE:-5}
    [ "${BENCH_QUICK:-0}" = 1 ] && pg_dlv_reports=${BENCH_PG_DELIVERY_REPORTS:-200}
    if ! pg_setup; then
        say "  (PostgreSQL set-up failed: the PostgreSQL figures are n/a; see $work/admin.log)"
        pg_cleanup
        return 0
    fi
    say "cluster $pg_url (PostgreSQL $("$pg_psql" --version | awk '{print $3}'))"
    # SQLite on its own data directory, the same binary and settings
    "$bin" serve --data-dir "$work/data-pgsq" --port 0 --ready-file "$work/ready-pgsq" \
        --log-level warn >>"$work/server-pgsq.log" 2>&1 &
    pids[pgsq]=$!
    for _ in $(seq 1 200); do
        [ -s "$work/ready-pgsq" ] && break
        sleep 0.05
    done
    # the intake nodes never deliver: the drain and failover runs own the outbox
    pg_node n1 --delivery-enabled=0 && pg_node n2 --delivery-enabled=0 || {
        pg_ready=0
        pg_cleanup
        return 0
    }
    # the receiver of the drain and failover runs: four webhooks per full report
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$work/pg-secret"
    "$build/bench/receiver" --ready-file "$work/ready-pgrecv" --secret-file "$work/pg-secret" \
        --max-seconds 3600 >/dev/null 2>>"$work/receiver.log" &
    pids[pgrecv]=$!
    for _ in $(seq 1 100); do
        [ -s "$work/ready-pgrecv" ] && break
        sleep 0.05
    done
    pg_rport=$(cat "$work/ready-pgrecv")
    {
        printf '{"format":"ichigen-delivery/1","recipients":{'
        local sep="" rcp
        for rcp in ppc jp-individuals nco prefectural-police mlit; do
            printf '%s"%s":{"channel":"webhook","endpoint":"http://127.0.0.1:%s/%s","secret":"%s",' \
                "$sep" "$rcp" "$pg_rport" "$rcp" "$(cat "$work/pg-secret")"
            printf '"concurrency":64,"timeout_s":10}'
            sep=","
        done
        printf '}}\n'
    } >"$work/pg-delivery.json"

    local rep
    for rep in $(seq 1 "$reps"); do
        say ""
        say "-- PostgreSQL repetition $rep of $reps (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        say "   intake: create full reports, $conns connections (SQLite; PostgreSQL 1 node; 2 nodes)"
        pg_last=()
        pg_intake pgsq "$work/pgsq-token" "$(cat "$work/ready-pgsq")" "${pids[pgsq]}" 0
        pg_intake pg1 "$work/pg-token" "${pg_port[n1]}" "${pids[pg-n1]}" 1
        pg_intake pg2 "$work/pg-token" "${pg_port[n1]} ${pg_port[n2]}" \
            "${pids[pg-n1]} ${pids[pg-n2]}" 1
        say "   delivery: $pg_dlv_reports reports preloaded, drained by 1 node, then by 3 nodes"
        pg_drain pgd1 1
        pg_drain pgd3 3
        # ratios within the repetition (the same minute's noise on both sides); medians later
        rec pgr_pg_sq "$(div "${pg_last[pg1]:-}" "${pg_last[pgsq]:-}")"
        rec pgr_2_1 "$(div "${pg_last[pg2]:-}" "${pg_last[pg1]:-}")"
        rec pgr_d3_d1 "$(div "${pg_last[pgd3]:-}" "${pg_last[pgd1]:-}")"
        say "   failover: $pg_fo_reports reports' webhooks leased by a node killed with SIGKILL"
        pg_failover pgfo
    done
    pg_node_stop n1
    pg_node_stop n2
    kill "${pids[pgsq]}" "${pids[pgrecv]}" 2>/dev/null
    wait "${pids[pgsq]}" "${pids[pgrecv]}" 2>/dev/null
    unset "pids[pgsq]" "pids[pgrecv]"
    pg_cleanup
}

# the rows of the summary table (bench/README.md's Performance table takes them as they are)
pg_rows() {
    [ "$pg_ready" = 1 ] || {
        say "| PostgreSQL figures | n/a | | the cluster did not start |"
        return
    }
    local pq=$(med pgsq_rps) p1=$(med pg1_rps) p2=$(med pg2_rps)
    local c1 c2
    c1=$(awk -v a="$(med pg1_ich)" -v b="$(med pg1_db)" -v c="$(med pg1_lg)" 'BEGIN {print a + b + c}')
    c2=$(awk -v a="$(med pg2_ich)" -v b="$(med pg2_db)" -v c="$(med pg2_lg)" 'BEGIN {print a + b + c}')
    # ratios: the median of each repetition's ratio
    say "| PostgreSQL: create full report, $conns conn, 1 node (reports/s) | $p1 | | p99 $(med pg1_p99) ms; errors $(med pg1_errors); CPU per report: ichigen $(med pg1_ich) µs, postgres $(med pg1_db) µs, loadgen $(med pg1_lg) µs; $(med pgr_pg_sq) × SQLite ($pq/s, p99 $(med pgsq_p99) ms, ichigen $(med pgsq_ich) µs/report, same run) |"
    say "| PostgreSQL: the same, 2 nodes on one database (reports/s) | $p2 | 2 nodes ≥ 1.5 × 1 where the database is not the bottleneck | $(med pgr_2_1) × 1 node; p99 $(med pg2_p99) ms; CPU per report: ichigen $(med pg2_ich) µs, postgres $(med pg2_db) µs, loadgen $(med pg2_lg) µs; whole machine $(div 1000000 "$c2" %.0f) reports per core-second (1 node $(div 1000000 "$c1" %.0f)), of which postgres $(div "$(awk -v a="$(med pg1_db)" 'BEGIN {print a * 100}')" "$c1" %.0f) % of the CPU |"
    say "| PostgreSQL: delivery drain, 3 nodes on one outbox (deliveries/s) | $(med pgd3_rate) | | $(med pgd3_n) webhooks, $(med pgd3_s) s from start to last arrival; $(med pgr_d3_d1) × 1 node ($(med pgd1_rate)/s, $(med pgd1_s) s); duplicates $(med pgd3_dups) (1 node $(med pgd1_dups)), with different bytes $(med pgd3_differing); CPU per delivery: ichigen $(med pgd3_ich) µs, postgres $(med pgd3_db) µs (1 node $(med pgd1_ich), $(med pgd1_db)) |"
    say "| PostgreSQL: failover, SIGKILL of a node holding leased deliveries → all delivered by another (s) | $(med pgfo_s) | bounded by the lease ($pg_lease s) + the poll (1 s) | $(med pgfo_delivered) of $(med pgfo_n) delivered (leased $(med pgfo_leased)); first $(med pgfo_first_s) s after the kill; killed $(med pgfo_held_s) s after the claims |"
}
