#!/usr/bin/env bash
# How long a virtual thread that no I/O wakes waits for a carrier while the echo server in its JVM
# is loaded (100 connections x 64 B from bench/client/pingpong.c): weft with the reaper's wait on
# its carrier (the default), weft with it off (-Dweft.uring.reaperWaitMicros=0), and the JDK's
# own sockets; interleaved rounds, one line per run (see samples/.../StartLatencyProbe.java).
#
#   bench/start-latency.sh            3 rounds, about 2 minutes
#   ROUNDS=5 CONNS=1000 bench/start-latency.sh
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-100}
PORT=${PORT:-9470}
JAVA="$(find_jdk25)/bin/java"
build_if_needed
build_pingpong
CP=target/classes:target/test-classes
LOG=bench/target/start-latency.log
CLIENT_LOG=bench/target/start-latency-client.log
mkdir -p bench/target

run() {  # run LABEL [jdk] [java flags...]
    local label=$1 kind=$2
    shift 2
    : >"$LOG" # emptied before the start: the wait below must not find the last run's line
    "$JAVA" --enable-native-access=ALL-UNNAMED "$@" -cp "$CP" dev.weft.samples.StartLatencyProbe \
        "$PORT" 4 5 "$kind" >"$LOG" 2>&1 &
    local pid=$! i
    for i in $(seq 1 100); do grep -q "listening on" "$LOG" && break; sleep 0.1; done
    # the load outlasts the probe (starts at 4 s, measures 5 s): 2 s warm-up + 8 s
    pingpong -c "$CONNS" -s 64 -w 2 -d 8 "127.0.0.1:$PORT" >"$CLIENT_LOG" 2>&1 &
    local client=$!
    wait "$pid" || true
    wait "$client" 2>/dev/null || true   # ends when the server is gone
    local load
    load=$(grep -o 'rt_per_s=[0-9]*' "$CLIENT_LOG" || echo "load: none ($(tail -1 "$CLIENT_LOG"))")
    printf '%-13s %s  %s\n' "$label" "$(grep START_LATENCY "$LOG" || echo "no result: $(tail -1 "$LOG")")" "$load"
}

for round in $(seq 1 "$ROUNDS"); do
    run weft weft
    run weft-no-wait weft -Dweft.uring.reaperWaitMicros=0
    run jdk jdk
done
