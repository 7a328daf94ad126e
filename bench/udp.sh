#!/usr/bin/env bash
# UDP echo, weft (DatagramEndpoint) vs the JDK (DatagramChannel), both on virtual threads, side
# by side (plus weft with its recvmsg/sendmsg fast path off, every op through the ring: weft-ring): for 64 B and 1,400 B datagrams, ROUNDS interleaved rounds of each server (a fresh JVM
# per round), driven by the C client bench/client/udpping.c. Reports the median echoes/s, the
# datagrams/s through the server (two per echo) and echoes per server CPU-second (from
# /proc/PID/stat over the measured window). About 2 minutes with the defaults.
#
#   bench/udp.sh        writes bench/results/udp.md and bench/results/udp-raw/
#   REPORT_ONLY=1 bench/udp.sh   rebuilds udp.md from the raw files of the last run
#   Knobs: SIZES="64 1400" SERVERS="weft weft-ring jdk" FLOWS=32 ROUNDS=3 WARMUP=2 DURATION=4 THREADS=2 PORT=9760
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

SIZES=${SIZES:-"64 1400"}
FLOWS=${FLOWS:-32}
ROUNDS=${ROUNDS:-3}
SERVERS=${SERVERS:-"weft weft-ring jdk"}
WARMUP=${WARMUP:-2}
DURATION=${DURATION:-4}
THREADS=${THREADS:-2}
PORT=${PORT:-9760}
OUT=bench/results
RAW=$OUT/udp-raw

JAVA_HOME_25=$(find_jdk25)
JAVA="$JAVA_HOME_25/bin/java"
build_if_needed
UDPPING=bench/target/udpping
if [ ! -x "$UDPPING" ] || [ bench/client/udpping.c -nt "$UDPPING" ] || [ bench/client/cpu.h -nt "$UDPPING" ]; then
    mkdir -p bench/target
    gcc -O2 -Wall -o "$UDPPING" bench/client/udpping.c
fi
mkdir -p "$RAW"
if [ "${REPORT_ONLY:-0}" != 1 ]; then
    rm -f "$RAW"/*.txt
    echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r), $("$JAVA" -version 2>&1 | head -1), $(date -u +%F)" >"$RAW/machine.txt"
fi

SERVER_PID=
stop() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop EXIT

# start NAME LOG: starts the weft or JDK UDP echo server on $PORT and waits until it listens.
start() {
    local class flags=()
    case "$1" in
        weft) class=dev.weft.samples.UdpEchoServer ;;
        weft-ring) class=dev.weft.samples.UdpEchoServer; flags=(-Dweft.uring.datagramTryFirst=false) ;;
        jdk) class=dev.weft.samples.JdkUdpEchoServer ;;
    esac
    : >"$2" # emptied before the start: the wait below must not find the last run's line
    "$JAVA" --enable-native-access=ALL-UNNAMED "${flags[@]}" -cp target/classes:target/test-classes "$class" "$PORT" "$THREADS" >"$2" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        grep -q "listening on" "$2" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$2" >&2; return 1; }
        sleep 0.1
    done
    echo "error: $1 did not start" >&2
    return 1
}

for size in $SIZES; do
    [ "${REPORT_ONLY:-0}" = 1 ] && break
    for round in $(seq 1 "$ROUNDS"); do
        for server in $SERVERS; do
            start "$server" "$RAW/server-$server.log"
            "$UDPPING" -f "$FLOWS" -s "$size" -w "$WARMUP" -d "$DURATION" --server-pid "$SERVER_PID" \
                "127.0.0.1:$PORT" | tee "$RAW/udp-${size}-${server}-${round}.txt" | grep '^flows'
            stop
        done
    done
done

python3 - "$RAW" "$SIZES" "$FLOWS" "$ROUNDS" "$WARMUP" "$DURATION" "$THREADS" "$SERVERS" >"$OUT/udp.md" <<'PY'
import glob, os, re, statistics, sys
raw, sizes, flows, rounds, warmup, duration, threads, servers = sys.argv[1:]
names = {"weft": "weft", "weft-ring": "weft, every op through the ring (`-Dweft.uring.datagramTryFirst=false`)",
         "jdk": "JDK DatagramChannel"}
def results(size, server):
    out = []
    for path in sorted(glob.glob(os.path.join(raw, f"udp-{size}-{server}-[0-9]*.txt"))):
        line = [l for l in open(path) if l.startswith("RESULT")][0]
        out.append({k: float(v) for k, v in re.findall(r"(\w+)=([-0-9.]+)", line)})
    return out
print("# UDP echo: weft `DatagramEndpoint` vs JDK `DatagramChannel`, both on virtual threads\n")
machine = open(os.path.join(raw, "machine.txt")).read().strip() if os.path.exists(os.path.join(raw, "machine.txt")) else "?"
print(f"Machine: {machine}.\n")
print(f"Command: `bench/udp.sh`, with the machine to itself (FLOWS={flows} ROUNDS={rounds} WARMUP={warmup}s "
      f"DURATION={duration}s THREADS={threads}). Client: bench/client/udpping.c, {flows} flows, each one "
      f"datagram in flight (send, wait for the echo, check every byte, send the next). Each server: one "
      f"socket, {threads} virtual threads looping receive -> send. Rounds interleaved ({servers}, then again); "
      f"a fresh JVM each round; medians of {rounds} rounds. Datagrams/s counts both directions through the "
      f"server (2 per echo); CPU is the server process's utime+stime from /proc/PID/stat over the measured window. "
      f"Client and server share the machine's 2 cores.\n")
print("| size | server | echoes/s (median) | datagrams/s through server | echoes per server CPU-second | lost/corrupt (sum) | rounds (echoes/s) |")
print("|---:|---|---:|---:|---:|---:|---|")
ratios = []
for size in sizes.split():
    med = {}
    for server in servers.split():
        rs = results(size, server)
        if not rs:
            continue
        e = statistics.median(r["echoes_per_s"] for r in rs)
        c = statistics.median(r["echoes_per_server_cpu_s"] for r in rs)
        lost = int(sum(r["lost"] for r in rs)); bad = int(sum(r["corrupt"] for r in rs))
        med[server] = (e, c)
        name = names.get(server, server)
        print(f"| {size} B | {name} | {e:,.0f} | {2*e:,.0f} | {c:,.0f} | {lost}/{bad} | "
              + ", ".join(f"{r['echoes_per_s']:,.0f}" for r in rs) + " |")
    for server in med:
        if server != "jdk" and "jdk" in med:
            ratios.append((size, server, med[server][0] / med["jdk"][0], med[server][1] / med["jdk"][1]))
print()
for size, server, t, c in ratios:
    print(f"- {size} B: {server}/JDK throughput {t:.2f}x, per server CPU-second {c:.2f}x")
PY
cat "$OUT/udp.md"
