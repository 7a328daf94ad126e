#!/usr/bin/env bash
# TCP segments per round trip, side by side: does a server make the kernel send more packets for the
# same echo ping-pong (pure ACKs, split replies), or does each packet cost it more? Each server runs
# the load alone; over the client's measured window the segments every established socket sent
# (ss -ti: segs_out, data_segs_out) are summed for the server's sockets and for the client's, and
# the host's delayed-ACK count (nstat TcpExtDelayedACKs: ACKs sent when the delayed-ACK timer
# fired, either side) is read; each is divided by the window's round trips. A round trip with no
# extra packet is 1 segment from each side (the request, the reply, each carrying the ACK of the
# other); every segment beyond the data is a pure ACK.
#
#   bench/segments.sh                                  1,000 x 64 B: weft-echo, jdk-echo, netty-io_uring
#   CONFIG=10000x64 ROUNDS=3 bench/segments.sh
#
# Knobs: CONFIG=CONNSxSIZE, SERVERS, ROUNDS=2 (interleaved), WARMUP=6 s, WINDOW=5 s counted (inside
# the client's measured WINDOW + 3 s), PORT=9880. Needs ss and nstat (iproute2); nstat's counter is
# the host's, so run nothing else meanwhile. Prints one line per server and round.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

CONFIG=${CONFIG:-1000x64}
SERVERS=${SERVERS:-"weft-echo jdk-echo netty-io_uring"}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-6}
WINDOW=${WINDOW:-5}
PORT=${PORT:-9880}

command -v nstat >/dev/null && command -v ss >/dev/null || { echo "error: ss and nstat are needed: apt-get install iproute2" >&2; exit 1; }
JAVA=$(find_jdk25)/bin/java
build_if_needed
build_pingpong
build_netty_if_named "$SERVERS" || { echo "error: benchmarks/ (the Netty peers) did not build" >&2; exit 1; }
conns=${CONFIG%x*}
size=${CONFIG#*x}
log=$(mktemp -d)
trap 'stop_server 2>/dev/null || true; rm -rf "$log"' EXIT

# Segments sent and data segments sent, summed over the established sockets on one side of PORT:
# side_segments sport (the server's sockets) or side_segments dport (the client's).
side_segments() {
    ss -tinH state established "( $1 = :$PORT )" | awk '
        { for (i = 1; i <= NF; i++) {
              if ($i ~ /^segs_out:/) { split($i, a, ":"); segs += a[2] }
              if ($i ~ /^data_segs_out:/) { split($i, b, ":"); data += b[2] } } }
        END { print segs + 0, data + 0 }'
}

for round in $(seq 1 "$ROUNDS"); do
    for name in $SERVERS; do
        start_server "$name" "$PORT" "$log/server.log"
        # the client measures from WARMUP to WARMUP + WINDOW + 3 s; the counts, about WINDOW inside it
        pingpong -c "$conns" -s "$size" -w "$WARMUP" -d $((WINDOW + 3)) --server-pid "$SERVER_PID" \
            "localhost:$PORT" >"$log/client.txt" 2>&1 &
        client=$!
        sleep $((WARMUP + 1))
        nstat -n >/dev/null
        read -r server_segs0 server_data0 < <(side_segments sport)
        read -r client_segs0 client_data0 < <(side_segments dport)
        before=$(date +%s.%N)
        sleep "$WINDOW"
        read -r server_segs1 server_data1 < <(side_segments sport)
        read -r client_segs1 client_data1 < <(side_segments dport)
        seconds=$(awk -v a="$before" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
        delayed=$(nstat -z TcpExtDelayedACKs | awk '$1 == "TcpExtDelayedACKs" { print $2 }')
        wait "$client" || { echo "error: the client failed against $name" >&2; cat "$log/client.txt" >&2; exit 1; }
        stop_server
        rt_per_s=$(grep -o 'rt_per_s=[0-9]*' "$log/client.txt" | cut -d= -f2)
        awk -v c="$CONFIG" -v n="$name" -v r="$round" -v rt="$rt_per_s" -v s="$seconds" \
            -v ss=$((server_segs1 - server_segs0)) -v sd=$((server_data1 - server_data0)) \
            -v cs=$((client_segs1 - client_segs0)) -v cd=$((client_data1 - client_data0)) -v da="$delayed" '
            BEGIN { t = rt * s
                    printf "%s  %-15s round %d  rt/s %7d  per round trip: server sent %.2f (data %.2f, pure ACKs %.2f)  client sent %.2f (data %.2f, pure ACKs %.2f)  delayed-ACK timer ACKs %.2f\n",
                           c, n, r, rt, ss / t, sd / t, (ss - sd) / t, cs / t, cd / t, (cs - cd) / t, da / t }'
    done
done
