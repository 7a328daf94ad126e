# The measurements of bench/run.sh and bench/quick.sh, each writing raw files that bench/report.py
# reads. Source after bench/lib.sh, with JAVA, PORT and RAW set and the client built (build_pingpong).

ordered() {   # ordered ROUND LIST...: the list, reversed on even rounds so drift cancels out
    local round=$1; shift
    if (( round % 2 == 0 )); then printf '%s\n' "$@" | tac | xargs; else echo "$@"; fi
}

# Echo ping-pong, interleaved: echo_rounds "CONFIGS" "SERVERS" ROUNDS WARMUP DURATION
# Each run is a fresh server process; raw/echo-CONFIG-SERVER-ROUND.txt holds the client's output.
echo_rounds() {
    local configs=$1 servers=$2 rounds=$3 warmup=$4 duration=$5
    local config conns size round server out
    for config in $configs; do
        conns=${config%x*}; size=${config#*x}
        for round in $(seq 1 "$rounds"); do
            for server in $(ordered "$round" $servers); do
                start_server "$server" "$PORT" "$RAW/server-$server.log" || continue
                out="$RAW/echo-$config-$server-$round.txt"
                if pingpong -c "$conns" -s "$size" -w "$warmup" -d "$duration" \
                        --server-pid "$SERVER_PID" "localhost:$PORT" > "$out" 2>&1; then
                    printf '%-9s %-15s round %d: %s | %s\n' "$config" "$server" "$round" \
                        "$(grep '^throughput' "$out" | cut -d: -f2 | xargs)" \
                        "$(grep '^server CPU' "$out" | cut -d, -f2 | xargs)"
                else
                    echo "FAILED: $config $server round $round (see $out):"; tail -3 "$out"
                    mv "$out" "$out.failed"
                fi
                stop_server
            done
        done
    done
}

# Idle CPU: measure_idle SERVER SECONDS CHURN -> raw/idle-SERVER.txt
# First the server only listens; then CHURN connections each connect, echo once and close, and
# after a one-second settle the server is left alone again. Both windows start at least two
# seconds after the server said it listens, so JVM start-up is not counted.
measure_idle() {
    local server=$1 seconds=$2 churn=$3 out="$RAW/idle-$1.txt"
    start_server "$server" "$PORT" "$RAW/server-$server.log" || return 0
    sleep 2
    echo "IDLE server=$server phase=listening seconds=$seconds cpu_pct=$(idle_cpu_pct "$SERVER_PID" "$seconds")" > "$out"
    if pingpong --once -c "$churn" -s 64 "localhost:$PORT" >> "$out" 2>&1; then
        sleep 1
        echo "IDLE server=$server phase=after-churn conns=$churn seconds=$seconds cpu_pct=$(idle_cpu_pct "$SERVER_PID" "$seconds")" >> "$out"
    else
        echo "FAILED: churn of $churn connections against $server (see $out)"
    fi
    stop_server
    printf 'idle      %-15s %s\n' "$server" "$(grep '^IDLE' "$out" | sed -E 's/.*phase=([^ ]+).* cpu_pct=([^ ]+)/\1 \2%/' | xargs)"
}

# Waits until FILE has a line matching PATTERN (up to 10 s).
wait_for_line() {
    local i
    for i in $(seq 1 100); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# perf is optional (apt's linux-perf may not match the kernel): true if it can count syscalls here.
perf_counts_syscalls() {
    command -v perf >/dev/null && perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1
}

# Syscalls per round trip: measure_syscalls SERVER CONNS SIZE SECONDS
# After a two-second warm-up run, the same load runs twice more on the warm server: once under
# `perf stat` (total syscalls and context switches; barely slows the server) and once under
# `strace -c -f` (per-syscall counts; slows the server a lot, so only the counts per round trip
# mean anything). The tracer is attached before the client connects and detached after it has
# closed, and the client reports every round trip it made (total_rt), so nothing is cut at the edges.
measure_syscalls() {
    local server=$1 conns=$2 size=$3 seconds=$4 base="$RAW/syscalls-$1"
    local tracer
    start_server "$server" "$PORT" "$RAW/server-$server.log" || return 0
    pingpong -c "$conns" -s "$size" -w 0 -d 2 "localhost:$PORT" > "$base-warmup.txt" 2>&1 || true
    if perf_counts_syscalls; then
        perf stat -x, -e raw_syscalls:sys_enter,context-switches,cpu-migrations -p "$SERVER_PID" \
            -o "$base-perf.txt" 2>/dev/null &
        tracer=$!
        sleep 1   # perf attaches at once; the second makes sure it counts before the first SYN
        pingpong -c "$conns" -s "$size" -w 0 -d "$seconds" "localhost:$PORT" > "$base-perf-client.txt" 2>&1 || true
        kill -INT "$tracer" 2>/dev/null || true
        wait "$tracer" 2>/dev/null || true
    fi
    if command -v strace >/dev/null; then
        strace -c -f -p "$SERVER_PID" -o "$base-strace.txt" 2> "$base-strace.log" &
        tracer=$!
        if wait_for_line "$base-strace.log" attached; then
            sleep 1   # -p -f attaches to every existing thread one by one
            pingpong -c "$conns" -s "$size" -w 0 -d "$seconds" "localhost:$PORT" > "$base-strace-client.txt" 2>&1 || true
        fi
        kill -INT "$tracer" 2>/dev/null || true
        wait "$tracer" 2>/dev/null || true
    fi
    stop_server
    printf 'syscalls  %-15s %s\n' "$server" "$(python3 bench/report.py --syscalls "$base" 2>/dev/null || echo '(no counts)')"
}
