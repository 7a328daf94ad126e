#!/usr/bin/env bash
# Side-by-side benchmark: weft vs JDK virtual-thread sockets vs Netty 4.2 io_uring (and epoll), the
# same C client for every server, interleaved rounds. Writes bench/results/{results.md,chart.png,raw/}.
#
#   bench/run.sh                  full run (about 9 minutes on 2 cores)
#   ROUNDS=1 DURATION=2 bench/run.sh                                a short check of the harness
#   WARMUP=5 bench/run.sh         if results.md lists runs still warming up (Netty io_uring took ~5 s
#                                 to reach its pace on the busy 2-core machine); adds ~1.5 minutes
#   SERVERS="weft-echo jdk-echo" CONFIGS="100x64" bench/run.sh      a subset (CONFIGS= skips echo,
#                                                                   IDLE_SERVERS= and SYSCALL_SERVERS= the others)
#   Servers (bench/lib.sh): weft-echo echoes through a direct buffer, weft-echo-heap through a byte[]
#   as jdk-echo does, weft-echo-1shot with one-shot recvs; netty-io_uring is Netty 4.2's transport.
#   HTTP=1 MEMORY=1 bench/run.sh                                    also HTTP (wrk, h2load) and memory
#   OUT=/tmp/bench bench/run.sh                                     results elsewhere (default bench/results)
#   bench/quick.sh                                                  2-minute weft vs JDK (or A/B) check
#
# Echo configs are CONNxBYTES; each cell is the median of ROUNDS runs, each run a fresh server
# process, with the server order reversed every other round so drift cancels out. The client is
# bench/client/pingpong.c (epoll, one thread); it also reads the server's CPU ticks over exactly the
# measured window. Then: idle CPU (listening, and after CHURN connections came and went) and
# syscalls per round trip (perf stat and strace -c over a SYSCALL_LOAD run).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh
source bench/measure.sh

ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}   # a fresh JVM needs about 3 s of load before its JIT settles (see "per second" in raw/)
DURATION=${DURATION:-3}
PORT=${PORT:-9500}
SERVERS=${SERVERS:-"weft-echo weft-echo-heap weft-echo-1shot jdk-echo netty-io_uring"}
CONFIGS=${CONFIGS-"100x64 1000x64 10000x64 10x65536"}   # the loads of issue 8; add 1x64 if wanted
IDLE_SERVERS=${IDLE_SERVERS-"weft-echo jdk-echo netty-io_uring"}
IDLE_SECONDS=${IDLE_SECONDS:-10}
CHURN=${CHURN:-1000}
SYSCALL_SERVERS=${SYSCALL_SERVERS-$SERVERS}
SYSCALL_LOAD=${SYSCALL_LOAD:-100x64}
SYSCALL_SECONDS=${SYSCALL_SECONDS:-3}
HTTP=${HTTP:-0}
HTTP_SERVERS=${HTTP_SERVERS:-"weft-http jdk-http"}
HTTP_CONNS=${HTTP_CONNS:-100}
MEMORY=${MEMORY:-0}
MEMORY_SERVERS=${MEMORY_SERVERS:-"weft-echo jdk-echo netty-io_uring"}
IDLE_CONNS=${IDLE_CONNS:-10000}
OUT=${OUT:-bench/results}
RAW=$OUT/raw
[ "$HTTP" = 1 ] || HTTP_SERVERS=
[ "$MEMORY" = 1 ] || MEMORY_SERVERS=

JAVA_HOME_25=$(find_jdk25)
JAVA="$JAVA_HOME_25/bin/java"
JCMD="$JAVA_HOME_25/bin/jcmd"
build_if_needed
build_pingpong

# Netty peers come from the separate benchmarks/ build, which needs weft installed in ~/.m2.
if ! build_netty_if_named "$SERVERS $IDLE_SERVERS $SYSCALL_SERVERS $MEMORY_SERVERS"; then
    echo "warning: benchmarks/ did not build; running without the Netty peers" >&2
    without_netty() { tr ' ' '\n' <<<"$1" | grep -v netty | xargs; }
    SERVERS=$(without_netty "$SERVERS")
    IDLE_SERVERS=$(without_netty "$IDLE_SERVERS")
    SYSCALL_SERVERS=$(without_netty "$SYSCALL_SERVERS")
    MEMORY_SERVERS=$(without_netty "$MEMORY_SERVERS")
fi
# strace is needed for the per-syscall table; the others only for the parts that use them.
tools="strace gnuplot"
[ -n "$HTTP_SERVERS" ] && tools="$tools wrk h2load"
for tool in $tools; do
    if ! command -v $tool >/dev/null; then
        pkg=$tool; [ $tool = h2load ] && pkg=nghttp2-client; [ $tool = gnuplot ] && pkg=gnuplot-nox
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "installing $pkg ..."
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkg >/dev/null 2>&1 \
                || echo "warning: could not install $pkg" >&2
        else
            echo "warning: $tool missing (apt-get install $pkg); that part is skipped" >&2
        fi
    fi
done
if [ -n "$SYSCALL_SERVERS" ] && ! perf_counts_syscalls; then
    echo "note: perf cannot count syscalls here; only strace's counts are reported" >&2
fi

rm -rf "$RAW"
mkdir -p "$RAW"
trap stop_server EXIT
started=$(date +%s)
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
    echo "java: $("$JAVA" -version 2>&1 | head -1)"
    echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "command: ROUNDS=$ROUNDS WARMUP=$WARMUP DURATION=$DURATION bench/run.sh (client: bench/client/pingpong.c)"
} > "$RAW/machine.txt"
cat "$RAW/machine.txt"

# ---- echo ping-pong ----
echo_rounds "$CONFIGS" "$SERVERS" "$ROUNDS" "$WARMUP" "$DURATION"

# ---- idle CPU ----
for server in $IDLE_SERVERS; do
    measure_idle "$server" "$IDLE_SECONDS" "$CHURN"
done

# ---- syscalls per round trip ----
for server in $SYSCALL_SERVERS; do
    measure_syscalls "$server" "${SYSCALL_LOAD%x*}" "${SYSCALL_LOAD#*x}" "$SYSCALL_SECONDS"
done

# ---- HTTP keep-alive hello ----
for round in $(seq 1 "$ROUNDS"); do
    for server in $(ordered "$round" $HTTP_SERVERS); do
        start_server "$server" "$PORT" "$RAW/server-$server.log"
        if command -v wrk >/dev/null; then
            wrk -t 1 -c "$HTTP_CONNS" -d 1s "http://localhost:$PORT/" >/dev/null 2>&1 || true   # warmup
            wrk -t 1 -c "$HTTP_CONNS" -d "${DURATION}s" --latency "http://localhost:$PORT/" \
                > "$RAW/http-wrk-$server-$round.txt" 2>&1 || true
            printf '%-9s %-15s round %d: %s\n' wrk "$server" "$round" \
                "$(grep Requests/sec "$RAW/http-wrk-$server-$round.txt" | xargs)"
        fi
        if command -v h2load >/dev/null; then
            # HTTP/1.1, 10 requests pipelined per connection
            h2load --h1 -c "$HTTP_CONNS" -m 10 --warm-up-time=1 -D "$DURATION" "http://localhost:$PORT/" \
                > "$RAW/http-h2load-$server-$round.txt" 2>&1 || true
            printf '%-9s %-15s round %d: %s\n' h2load "$server" "$round" \
                "$(grep -m1 '^finished' "$RAW/http-h2load-$server-$round.txt" | xargs)"
        fi
        stop_server
    done
done

# ---- memory held by mostly idle connections ----
snapshot() {   # snapshot PID FILE: RSS, heap and native memory after a full GC
    "$JCMD" "$1" GC.run >/dev/null 2>&1 || true
    sleep 1
    {
        grep VmRSS "/proc/$1/status"
        "$JCMD" "$1" GC.heap_info
        "$JCMD" "$1" VM.native_memory summary
    } > "$2" 2>&1
}
for server in $MEMORY_SERVERS; do
    start_server "$server" "$PORT" "$RAW/server-$server.log" -XX:NativeMemoryTracking=summary
    snapshot "$SERVER_PID" "$RAW/memory-$server-before.txt"
    : > "$RAW/memory-$server-client.txt" # emptied first: the wait below must not find an old READY
    pingpong --idle -c "$IDLE_CONNS" -d 60 "localhost:$PORT" > "$RAW/memory-$server-client.txt" 2>&1 &
    client=$!
    for i in $(seq 1 600); do
        grep -q '^READY' "$RAW/memory-$server-client.txt" && break
        kill -0 "$client" 2>/dev/null || break
        sleep 0.1
    done
    sleep 1
    snapshot "$SERVER_PID" "$RAW/memory-$server-after.txt"
    echo "memory    $server: $(grep -h '^READY' "$RAW/memory-$server-client.txt" || echo 'client failed')"
    kill "$client" 2>/dev/null || true
    wait "$client" 2>/dev/null || true
    stop_server
done

echo "elapsed: $(( $(date +%s) - started )) s; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RAW/machine.txt"
python3 bench/report.py "$OUT"
if command -v gnuplot >/dev/null && [ -f "$OUT/chart.gp" ]; then
    gnuplot "$OUT/chart.gp" && echo "chart: $OUT/chart.png"
fi
