#!/usr/bin/env bash
# Echo latency while computations that never block hold every carrier but one (and, for
# comparison, without them): weft, weft with -Dweft.uring.recvOnRingThread=true (weft-ring) and
# the JDK's own sockets, interleaved rounds, one line per run (see samples/.../BusyCarrierProbe.java:
# 8 clients, one-byte round trips paced 1 ms apart).
#
#   bench/busy-carrier.sh             3 rounds, about 2 minutes
#   ROUNDS=5 SECONDS_EACH=10 bench/busy-carrier.sh
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-4}
PORT=${PORT:-9471}
JAVA="$(find_jdk25)/bin/java"
build_if_needed
CP=target/classes:target/test-classes

for round in $(seq 1 "$ROUNDS"); do
    for load in busy idle; do
        for server in weft weft-ring jdk; do
            flags=()
            [ "$server" = weft-ring ] && flags=(-Dweft.uring.recvOnRingThread=true)
            line=$("$JAVA" --enable-native-access=ALL-UNNAMED "${flags[@]}" -cp "$CP" dev.weft.samples.BusyCarrierProbe \
                "$PORT" "$SECONDS_EACH" "${server%-ring}" "$load" 2>&1 | grep BUSY_CARRIER || echo "no result")
            printf 'round %d  %-9s  %-4s  %s\n' "$round" "$server" "$load" "$line"
        done
    done
done
