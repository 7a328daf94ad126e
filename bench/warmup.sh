#!/usr/bin/env bash
# How far a short benchmark round is from steady state: weft's echo and the JDK's, interleaved,
# each measured three ways. Every connection's echo loop is one method call that never returns,
# so it runs interpreted until HotSpot swaps it for compiled code on the stack (on-stack
# replacement), and the interpreter looks for that swap only once every 1,024 loop iterations
# summed over all threads: with 1,000 connections most loops stay interpreted for the first
# million round trips, and a virtual thread with an interpreted frame parks and resumes on the
# JVM's slower path. The three ways:
#   short  the warm-up bench/run.sh uses (WARMUP, 5 s)
#   long   a warm-up long enough that every loop is swapped (LONG_WARMUP, 40 s at 1,000 connections)
#   osr    the short warm-up with -XX:Tier0BackedgeNotifyFreqLog=0 (the interpreter looks at every
#          iteration, so each loop is swapped at its first iteration once compiled code exists)
# One line per run: round trips per second and per server CPU-second, user and kernel µs per
# round trip, p99.
#
#   bench/warmup.sh                        1,000 conns x 64 B, 3 rounds (about 7 minutes)
#   CONNS=10000 MODES="osr short" bench/warmup.sh
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-1000}
SIZE=${SIZE:-64}
WARMUP=${WARMUP:-5}
LONG_WARMUP=${LONG_WARMUP:-40}
DURATION=${DURATION:-4}
MODES=${MODES:-long osr short}
PORT=${PORT:-9472}
JAVA="$(find_jdk25)/bin/java"
build_if_needed
build_pingpong

field() { grep -o "$1=[0-9.]*" <<<"$2" || echo "$1=?"; }

for round in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
        for server in weft-echo jdk-echo; do
            flags=() warmup=$WARMUP
            case "$mode" in
                long) warmup=$LONG_WARMUP ;;
                osr) flags=(-XX:Tier0BackedgeNotifyFreqLog=0) ;;
                short) ;;
                *) echo "unknown mode $mode" >&2; exit 2 ;;
            esac
            start_server "$server" "$PORT" bench/target/warmup-server.log "${flags[@]}"
            result=$(pingpong -c "$CONNS" -s "$SIZE" -w "$warmup" -d "$DURATION" --server-pid "$SERVER_PID" \
                localhost:"$PORT" | grep RESULT || echo "no result")
            stop_server
            printf 'round %d  %-5s  %-9s  %s %s %s %s %s\n' "$round" "$mode" "$server" \
                "$(field rt_per_s "$result")" "$(field rt_per_server_cpu_s "$result")" \
                "$(field server_user_us_per_rt "$result")" "$(field server_sys_us_per_rt "$result")" \
                "$(field p99_us "$result")"
        done
    done
done
