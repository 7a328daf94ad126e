#!/usr/bin/env bash
# Quick A/B check while iterating (about 2 minutes; 3 with two weft builds and the JDK): echo
# ping-pong at 100 and 1,000 connections x 64 B, 3 interleaved rounds of 4 s, a short idle-CPU check.
#
#   bench/quick.sh                         this tree's weft vs the JDK
#   bench/quick.sh B                       this tree's weft (weft-A) vs build B (weft-B) vs the JDK
#   bench/quick.sh A B                     build A (weft-A) vs build B (weft-B) vs the JDK
#
# A build is a classes directory (e.g. /work/main/target/classes) or a jar. The echo server run on it
# is that build's own samples (DIR/../test-classes) when they exist, else this tree's. Knobs:
#   A_FLAGS / B_FLAGS   extra JVM flags, e.g. B_FLAGS=-Dweft.uring.multishotRecv=false
#   JDK_FLAGS           extra JVM flags for the JDK's server, e.g. with A_FLAGS the same
#                       -Djdk.virtualThreadScheduler.parallelism=1 (weft-A and the JDK on one carrier)
#   CONFIGS="100x64 1000x64" ROUNDS=3 WARMUP=3 DURATION=4 IDLE_SECONDS=5 (0 skips it) JDK=1 (0 skips
#   the JDK) PORT=9890. Writes bench/results/quick.md and bench/results/quick-raw/ (results.md stays).
# To compare a build with itself plus a flag: bench/quick.sh /work/main/target/classes /work/main/target/classes
# with B_FLAGS set.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh
source bench/measure.sh

CONFIGS=${CONFIGS:-"100x64 1000x64"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}   # a fresh JVM needs about 3 s of load before its JIT settles (see "per second" in raw/)
DURATION=${DURATION:-4}
IDLE_SECONDS=${IDLE_SECONDS:-5}
JDK=${JDK:-1}
PORT=${PORT:-9890}
OUT=bench/results
RAW=$OUT/quick-raw

# The classpath that runs dev.weft.samples.EchoServer on build $1 (a classes dir or a jar).
weft_classpath() {
    local build
    build=$(readlink -f "$1") || { echo "error: no such build: $1" >&2; return 1; }
    [ -e "$build" ] || { echo "error: no such build: $1" >&2; return 1; }
    [ -e "$build/dev/weft/WeftRuntime.class" ] || [[ "$build" == *.jar ]] \
        || { echo "error: $1 is neither a jar nor a classes directory with dev/weft/WeftRuntime.class" >&2; return 1; }
    local samples
    samples="$(dirname "$build")/test-classes"
    if [ -d "$build" ] && [ -f "$samples/dev/weft/samples/EchoServer.class" ]; then
        echo "$build:$samples"
    else
        echo "$build:$(readlink -f target/test-classes)"
    fi
}

JAVA_HOME_25=$(find_jdk25)
JAVA="$JAVA_HOME_25/bin/java"
build_if_needed
build_pingpong

servers=""
case $# in
    0) servers="weft-echo"
       SERVER_CP[weft-echo]="target/classes:target/test-classes" ;;
    1|2)
       if [ $# = 1 ]; then a=target/classes; b=$1; else a=$1; b=$2; fi
       SERVER_CP[weft-A]=$(weft_classpath "$a")
       SERVER_CP[weft-B]=$(weft_classpath "$b")
       SERVER_FLAGS[weft-A]=${A_FLAGS:-}
       SERVER_FLAGS[weft-B]=${B_FLAGS:-}
       servers="weft-A weft-B" ;;
    *) echo "usage: bench/quick.sh [[A] B]   (A and B: weft classes dirs or jars)" >&2; exit 2 ;;
esac
[ "$JDK" = 1 ] && servers="$servers jdk-echo" && SERVER_FLAGS[jdk-echo]=${JDK_FLAGS:-}

rm -rf "$RAW"
mkdir -p "$RAW"
trap stop_server EXIT
started=$(date +%s)
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), quick run: CONFIGS=\"$CONFIGS\" ROUNDS=$ROUNDS WARMUP=$WARMUP DURATION=$DURATION"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
    echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    for s in $servers; do
        if [ -n "${SERVER_CP[$s]:-}" ]; then echo "$s: ${SERVER_FLAGS[$s]:-}${SERVER_FLAGS[$s]:+ }-cp ${SERVER_CP[$s]}"
        elif [ -n "${SERVER_FLAGS[$s]:-}" ]; then echo "$s: ${SERVER_FLAGS[$s]}"; fi
    done
} > "$RAW/machine.txt"
cat "$RAW/machine.txt"

echo_rounds "$CONFIGS" "$servers" "$ROUNDS" "$WARMUP" "$DURATION"
if [ "$IDLE_SECONDS" != 0 ]; then
    for server in $servers; do
        measure_idle "$server" "$IDLE_SECONDS" 1000
    done
fi

echo "elapsed: $(( $(date +%s) - started )) s; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RAW/machine.txt"
ab=()
[[ "$servers" == *weft-B* ]] && ab=(--ab weft-A weft-B)
python3 bench/report.py "$OUT" --raw "$RAW" --md "$OUT/quick.md" --title "weft quick check" --no-chart "${ab[@]}"
