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

# The syscalls perf counts by name (those this kernel has tracepoints for); the total is counted too.
PERF_SYSCALLS="read write readv writev recvfrom sendto recvmsg sendmsg io_uring_enter futex epoll_wait
    epoll_pwait epoll_pwait2 epoll_ctl poll ppoll accept accept4 close shutdown setsockopt getsockopt
    getsockname getpeername fcntl ioctl mmap munmap mprotect madvise sched_yield nanosleep
    clock_nanosleep rt_sigprocmask rt_sigreturn tgkill eventfd2 restart_syscall"
perf_events() {
    local events="raw_syscalls:sys_enter,context-switches" name dir
    for dir in /sys/kernel/tracing/events/syscalls /sys/kernel/debug/tracing/events/syscalls; do
        [ -d "$dir" ] && break
    done
    for name in $PERF_SYSCALLS; do
        [ -d "$dir/sys_enter_$name" ] && events="$events,syscalls:sys_enter_$name"
    done
    echo "$events"
}

# Sends enable or disable to a perf stat started with --control fifo:BASE.ctl,BASE.ack; waits for its ack.
perf_control() {
    timeout 5 bash -c 'echo "$2" > "$1.ctl" && read -r _ < "$1.ack"' _ "$1" "$2"
}

# Syscalls per round trip: measure_syscalls SERVER CONNS SIZE SECONDS
# The server runs under `perf stat` from its start, events disabled, so every thread it ever creates
# is counted (perf -p would miss threads born later). After a four-second warm-up run, the same load
# runs twice on the warm server: once with perf enabled (syscalls by name and context switches; it
# costs the JDK echo server about 17% of its throughput here, which changes little per round trip), then once under `strace -c -f -p` (slows it so much that it also changes
# how the server batches: a slowed server finds data waiting more often). Each tracer covers the
# client from before its first connect to after its last close, and the client reports every round
# trip it made (total_rt), so nothing is cut at the edges.
measure_syscalls() {
    local server=$1 conns=$2 size=$3 seconds=$4 base="$RAW/syscalls-$1"
    local perf_ok=0 tracer
    if perf_counts_syscalls; then
        perf_ok=1
        rm -f "$base.ctl" "$base.ack"
        mkfifo "$base.ctl" "$base.ack"
        SERVER_WRAPPER=(perf stat -x, -e "$(perf_events)" --delay=-1 --control "fifo:$base.ctl,$base.ack"
                        -o "$base-perf.txt" --)
    fi
    start_server "$server" "$PORT" "$RAW/server-$server.log" || { SERVER_WRAPPER=(); return 0; }
    SERVER_WRAPPER=()
    # the JIT needs a few seconds under load before the server runs at its steady speed
    pingpong -c "$conns" -s "$size" -w 0 -d 4 "localhost:$PORT" > "$base-warmup.txt" 2>&1 || true
    if [ $perf_ok = 1 ]; then
        if perf_control "$base" enable; then
            pingpong -c "$conns" -s "$size" -w 0 -d "$seconds" "localhost:$PORT" > "$base-perf-client.txt" 2>&1 || true
            perf_control "$base" disable || rm -f "$base-perf-client.txt"
        fi
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
    stop_server   # perf writes its counts as the server exits
    rm -f "$base.ctl" "$base.ack"
    printf 'syscalls  %-15s %s\n' "$server" "$(python3 bench/report.py --syscalls "$base" 2>/dev/null || echo '(no counts)')"
}
