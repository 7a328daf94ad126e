#!/usr/bin/env bash
# JMH benchmarks for weft's per-operation costs, each printed beside a named peer:
#   ParkUnparkBenchmark  PendingOp completion round trip   vs bare LockSupport park/unpark (floor)
#   PingPongBenchmark    one loopback connection, 64 B and 16 KiB round trips, weft vs JDK sockets
#                        (both on virtual threads, same JVM, same run)
#   BufferPoolBenchmark  BufferPool acquire/release (1 and 2 threads) vs Arena.ofConfined per op
# Builds the library and benchmarks/target/benchmarks.jar when they are missing or stale, runs
# JMH with short settings (about 3 minutes on 2 cores), prints the table and the ratios, and
# writes everything to bench/results/jmh.txt.
#
#   bench/jmh.sh
#   JMH_FILTER=PingPong bench/jmh.sh                        only the ping-pong
#   JMH_OPTS="-f 2 -wi 5 -i 10" bench/jmh.sh                 longer runs
#   bench/jmh.sh -p size=64 -prof gc                        extra arguments go to JMH
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

JMH_FILTER=${JMH_FILTER:-'dev\.weft\.bench\.jmh\..*'}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -i 5 -w 1s -r 1s"}
OUT=bench/results/jmh.txt
JAR=benchmarks/target/benchmarks.jar

JAVA_HOME_25=$(find_jdk25)
JAVA="$JAVA_HOME_25/bin/java"

# Rebuild when the jar is missing, lacks these benchmarks, or is older than any source or pom.
stale=""
if [ ! -f "$JAR" ] || ! unzip -l "$JAR" 2>/dev/null | grep -q 'dev/weft/bench/jmh/PingPongBenchmark.class'; then
    stale=yes
elif [ -n "$(find src/main native-bindings benchmarks/src pom.xml benchmarks/pom.xml \
                 -newer "$JAR" \( -name '*.java' -o -name pom.xml \) 2>/dev/null | head -1)" ]; then
    stale=yes
fi
if [ -n "$stale" ]; then
    build_benchmarks
fi

mkdir -p "$(dirname "$OUT")"
csv=$(mktemp)
log=$(mktemp)
trap 'rm -f "$csv" "$log"' EXIT

# shellcheck disable=SC2086 # JMH_OPTS is a list of options
cmd=("$JAVA" -jar "$JAR" "$JMH_FILTER" $JMH_OPTS -rf csv -rff "$csv" "$@")
echo "running: ${cmd[*]}" >&2
"${cmd[@]}" 2>&1 | tee "$log" | grep -E '^(# (Benchmark|Parameters):|Iteration|Result|#? ?Run complete)' >&2 || true
if ! grep -q '^Benchmark ' "$log"; then
    echo "error: JMH did not finish; its output:" >&2
    tail -40 "$log" >&2
    exit 1
fi

# Ratios from the CSV: columns are looked up by header name, since JMH adds one per @Param.
ratios() {
    awk -F, '
        function unq(s) { gsub(/"/, "", s); return s }
        { sub(/\r$/, "") }  # JMH writes CRLF
        NR == 1 { for (i = 1; i <= NF; i++) { hdr[i] = unq($i); col[hdr[i]] = i }; next }
        {
            name = unq($col["Benchmark"]); sub(/.*\./, "", name)
            cls = unq($col["Benchmark"]); sub(/\.[^.]*$/, "", cls); sub(/.*\./, "", cls)
            key = cls "." name
            for (i = 1; i <= NF; i++) if (hdr[i] ~ /^Param: /) { v = unq($i); if (v != "") key = key " " substr(hdr[i], 8) "=" v }
            score[key] = $col["Score"] + 0
        }
        function line(label, mine, peer, what,   r) {
            if (!(mine in score) || !(peer in score) || score[mine] == 0) return
            r = score[peer] / score[mine]
            printf "  %-40s %10.1f ns  vs %10.1f ns   %5.2fx %s\n", label, score[mine], score[peer], r, what
        }
        END {
            print "Ratios: peer time / weft time, i.e. weft speed as a multiple of the peer (above 1: weft faster)"
            print " ping-pong, one loopback connection, weft vs JDK java.net.Socket (both virtual threads):"
            for (s = 0; s < 2; s++) {
                size = s == 0 ? 64 : 16384
                line("round trip, " size " B", "PingPongBenchmark.roundTrip impl=weft size=" size,
                     "PingPongBenchmark.roundTrip impl=jdk size=" size, "JDK throughput")
            }
            print " completion round trip, PendingOp vs bare LockSupport park/unpark (the floor):"
            line("completer on a platform thread", "ParkUnparkBenchmark.pendingOpRoundTrip completer=platform",
                 "ParkUnparkBenchmark.lockSupportFloor completer=platform", "floor speed")
            line("completer on a virtual thread", "ParkUnparkBenchmark.pendingOpRoundTrip completer=virtual",
                 "ParkUnparkBenchmark.lockSupportFloor completer=virtual", "floor speed")
            print " native buffer per operation, BufferPool vs Arena.ofConfined().allocate + close:"
            for (s = 0; s < 2; s++) {
                size = s == 0 ? 1024 : 65536
                line("1 thread,  " size " B", "BufferPoolBenchmark.pool size=" size,
                     "BufferPoolBenchmark.arena size=" size, "arena speed")
                line("2 threads, " size " B", "BufferPoolBenchmark.poolContended size=" size,
                     "BufferPoolBenchmark.arenaContended size=" size, "arena speed")
            }
        }' "$csv"
}

{
    echo "weft JMH benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "command: bench/jmh.sh $*"
    echo "JMH:     java -jar $JAR '$JMH_FILTER' $JMH_OPTS $*"
    echo "machine: $(nproc) CPUs, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java:    $("$JAVA" -version 2>&1 | head -1)"
    echo
    awk '/^Benchmark /{ table = 1 } table && /^$/{ exit } table' "$log"
    echo
    ratios
} | tee "$OUT"
echo "wrote $OUT" >&2
