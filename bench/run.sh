#!/usr/bin/env bash
# Side-by-side benchmark: weft vs JDK virtual-thread sockets (+ Netty 4.2 epoll and io_uring for
# echo), same clients, same run, interleaved rounds. Writes bench/results/{results.md,chart.png,raw/}.
#
#   bench/run.sh                  full run (about 8 minutes)
#   ROUNDS=3 DURATION=5 bench/run.sh
#   SERVERS="weft-echo jdk-echo" CONFIGS="100x64" bench/run.sh     a subset
#
# Echo configs are CONNxBYTES; each cell is the median of ROUNDS runs, each run a fresh server
# process, with the server order reversed every other round so drift cancels out.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-4}
PORT=${PORT:-9500}
SERVERS=${SERVERS:-"weft-echo jdk-echo netty-epoll netty-io_uring"}
CONFIGS=${CONFIGS:-"1x64 100x64 1000x64 10000x64 10x65536"}
HTTP_SERVERS=${HTTP_SERVERS:-"weft-http jdk-http"}
HTTP_CONNS=${HTTP_CONNS:-100}
MEMORY_SERVERS=${MEMORY_SERVERS:-"weft-echo jdk-echo netty-epoll"}
IDLE_CONNS=${IDLE_CONNS:-10000}
OUT=bench/results
RAW=$OUT/raw

JAVA_HOME_25=$(find_jdk25)
JAVA="$JAVA_HOME_25/bin/java"
JCMD="$JAVA_HOME_25/bin/jcmd"
build_if_needed

# Netty peers come from the separate benchmarks/ build, which needs weft installed in ~/.m2.
if [[ "$SERVERS $MEMORY_SERVERS" == *netty* ]] && [ ! -f benchmarks/target/benchmarks.jar ]; then
    echo "building benchmarks/ (Netty + JMH) ..."
    # Maven itself runs on JDK 25 here: packaging a modular jar calls the running JDK's jar tool,
    # which must read Java 25 class files.
    if ! { JAVA_HOME="$JAVA_HOME_25" mvn -q install -DskipTests \
           && JAVA_HOME="$JAVA_HOME_25" mvn -q -f benchmarks/pom.xml package -DskipTests; } >&2; then
        echo "warning: benchmarks/ did not build; running without the Netty peers" >&2
        SERVERS=$(tr ' ' '\n' <<<"$SERVERS" | grep -v netty | xargs)
        MEMORY_SERVERS=$(tr ' ' '\n' <<<"$MEMORY_SERVERS" | grep -v netty | xargs)
    fi
fi
for tool in wrk h2load gnuplot; do
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

rm -rf "$RAW"
mkdir -p "$RAW"
trap stop_server EXIT
started=$(date +%s)
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
    echo "java: $("$JAVA" -version 2>&1 | head -1)"
    echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "command: ROUNDS=$ROUNDS WARMUP=$WARMUP DURATION=$DURATION bench/run.sh"
} > "$RAW/machine.txt"
cat "$RAW/machine.txt"

ordered() {   # ordered ROUND LIST...: the list, reversed on even rounds
    local round=$1; shift
    if (( round % 2 == 0 )); then printf '%s\n' "$@" | tac | xargs; else echo "$@"; fi
}

# ---- echo ping-pong ----
for config in $CONFIGS; do
    conns=${config%x*}; size=${config#*x}
    for round in $(seq 1 "$ROUNDS"); do
        for server in $(ordered "$round" $SERVERS); do
            start_server "$server" "$PORT" "$RAW/server-$server.log"
            out="$RAW/echo-$config-$server-$round.txt"
            if load_client -c "$conns" -s "$size" -w "$WARMUP" -d "$DURATION" \
                    --server-pid "$SERVER_PID" "localhost:$PORT" > "$out" 2>&1; then
                printf '%-9s %-15s round %d: %s\n' "$config" "$server" "$round" \
                    "$(grep '^throughput' "$out" | cut -d: -f2 | xargs)"
            else
                echo "FAILED: $config $server round $round (see $out):"; tail -3 "$out"
            fi
            stop_server
        done
    done
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
    load_client -c 0 --idle "$IDLE_CONNS" -s 64 -w 0 -d 60 "localhost:$PORT" > "$RAW/memory-$server-client.txt" 2>&1 &
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

echo "elapsed: $(( $(date +%s) - started )) s" | tee -a "$RAW/machine.txt"
python3 bench/report.py "$OUT"
if command -v gnuplot >/dev/null && [ -f "$OUT/chart.gp" ]; then
    gnuplot "$OUT/chart.gp" && echo "chart: $OUT/chart.png"
fi
