#!/usr/bin/env bash
# Where a server's CPU goes per round trip, side by side: each server runs the echo ping-pong
# alone while `perf record` samples it (cpu-clock, 999 Hz, the measured window only), and
# bench/profile.py splits the samples into kernel, the socket layer's own code, virtual-thread
# switching, the scheduler, the JVM and native libraries, in µs per round trip.
#
#   bench/profile.sh                          10,000 x 64 B: weft-echo, jdk-echo, netty-io_uring (~5 min)
#   CONFIG=100x64 bench/profile.sh            another load
#   SERVERS="weft-echo jdk-echo" bench/profile.sh
#
# Knobs: CONFIG=CONNSxSIZE, SERVERS, ROUNDS=3 (interleaved; the report takes each server's median
# round by CPU per round trip), WARMUP=8 s before sampling starts (the JIT settles; at 10,000
# connections a late recompile deoptimizes every parked virtual thread once), DURATION=8 s
# sampled, PORT=9870, JVM_FLAGS (extra flags for every server's JVM) with TAG (names the report
# and raw files, e.g. TAG=1carrier JVM_FLAGS=-Djdk.virtualThreadScheduler.parallelism=1).
# Needs perf (apt-get install linux-perf) and permission to profile another
# process (root, or kernel.perf_event_paranoid <= 1). Writes bench/results/profile-CONFIG.md and
# the raw perf reports under bench/results/profile-raw/ (profile-CONFIG-TAG.md with a TAG).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

CONFIG=${CONFIG:-10000x64}
SERVERS=${SERVERS:-"weft-echo jdk-echo netty-io_uring"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-8}
DURATION=${DURATION:-8}
PORT=${PORT:-9870}
RAW=bench/results/profile-raw
NAME=$CONFIG${TAG:+-$TAG}
OUT=bench/results/profile-$NAME.md
[ -z "${JVM_FLAGS:-}" ] || [ -n "${TAG:-}" ] \
    || { echo "error: JVM_FLAGS needs a TAG, so the report does not replace the one without them" >&2; exit 1; }

command -v perf >/dev/null || { echo "error: perf is needed: apt-get install linux-perf" >&2; exit 1; }
perf record -q -o /dev/null -- true >/dev/null 2>&1 \
    || { echo "error: perf cannot record here (as root, or with kernel.perf_event_paranoid <= 1)" >&2; exit 1; }
JAVA=$(find_jdk25)/bin/java
build_if_needed
build_pingpong
build_netty_if_named "$SERVERS" || { echo "error: benchmarks/ (the Netty peers) did not build" >&2; exit 1; }
mkdir -p "$RAW"
for server in $SERVERS; do   # this report's own rounds only: not those of CONFIG-TAG reports
    rm -f "$RAW/profile-$NAME-$server-"[0-9]*
done
trap stop_server EXIT

conns=${CONFIG%x*}
size=${CONFIG#*x}
for round in $(seq 1 "$ROUNDS"); do
    order=$SERVERS
    if (( round % 2 == 0 )); then order=$(printf '%s\n' $SERVERS | tac | xargs); fi
    for server in $order; do
        base="$RAW/profile-$NAME-$server-$round"
        # The perf map (JIT-compiled methods by address) is written when the JVM exits.
        start_server "$server" "$PORT" "$base.log" -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit ${JVM_FLAGS:-}
        # Sampling starts when the client starts measuring and lasts as long as its window.
        ( sleep "$WARMUP"; exec perf record -F 999 -p "$SERVER_PID" -o "$base.data" -- sleep "$DURATION" ) \
            >/dev/null 2>&1 &
        sampler=$!
        pingpong -c "$conns" -s "$size" -w "$WARMUP" -d "$DURATION" --server-pid "$SERVER_PID" \
            "localhost:$PORT" > "$base.client.txt" 2>&1 || { echo "FAILED: $server round $round"; tail -3 "$base.client.txt"; }
        wait "$sampler" || true
        stop_server
        perf report -i "$base.data" --no-children --sort dso,sym --stdio 2>/dev/null \
            | grep -v '^#' | grep -v '^$' > "$base.perf.txt" || true
        rm -f "$base.data" "$base.data.old"
        printf '%-9s %-15s round %d: %s\n' "$CONFIG" "$server" "$round" \
            "$(grep '^server CPU' "$base.client.txt" | cut -d, -f2- | xargs)"
    done
done
JVM_FLAGS=${JVM_FLAGS:-} python3 bench/profile.py "$NAME" "$RAW" $SERVERS > "$OUT"
echo "wrote $OUT"
