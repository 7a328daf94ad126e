#!/usr/bin/env bash
# Checks the load client itself against small Python servers on loopback: it must pass a correct
# echo (small and large messages, many connections, --once, --idle) and must fail, naming the fault,
# on a server that corrupts a byte, sends extra bytes, or closes early.
#
#   bench/client/selftest.sh        (prints PASS/FAIL per case; exit status 1 if any failed)
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
source bench/lib.sh
build_pingpong || exit 1

# A threaded echo server with one deliberate fault: ok | corrupt | extra | close | lag (the first
# connection's echoes wait 20 ms each; the others are served at once).
# It prints its port once listening.
serve() {
    exec python3 -u - "$1" <<'PY'
import socket, sys, threading, time
fault = sys.argv[1]
listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
print(listener.getsockname()[1], flush=True)

def receive(conn):
    try:
        return conn.recv(65536)
    except ConnectionResetError:   # the client gave up on a faulty echo: expected here
        return b""

def echo(conn, first):
    seen = 0
    with conn:
        while data := receive(conn):
            if fault == "lag" and first:
                time.sleep(0.02)
            seen += len(data)
            if seen > 20000:
                if fault == "corrupt":
                    data = bytes([data[0] ^ 1]) + data[1:]
                elif fault == "extra":
                    data = data + b"!"
                elif fault == "close":
                    return
            conn.sendall(data)

accepted = 0
while True:
    conn, _ = listener.accept()
    threading.Thread(target=echo, args=(conn, accepted == 0), daemon=True).start()
    accepted += 1
PY
}

failures=0
check() {   # check NAME EXPECT(pass|fail) EXPECTED_TEXT FAULT CLIENT_ARGS...
    local name=$1 expect=$2 text=$3 fault=$4
    shift 4
    local out port server status
    out=$(mktemp)
    coproc SERVER { serve "$fault"; }
    server=$SERVER_PID
    read -r port <&"${SERVER[0]}"
    timeout 30 "$PINGPONG" "$@" "127.0.0.1:$port" > "$out" 2>&1
    status=$?
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    if { [ "$expect" = pass ] && [ $status = 0 ]; } || { [ "$expect" = fail ] && [ $status != 0 ] && [ $status != 124 ]; }; then
        if grep -q -- "$text" "$out"; then
            echo "PASS $name"
        else
            echo "FAIL $name: exit $status but no '$text' in:"; cat "$out"; failures=$((failures + 1))
        fi
    else
        echo "FAIL $name: expected to $expect, exit status $status:"; cat "$out"; failures=$((failures + 1))
    fi
    rm -f "$out"
}

check "echo 20 x 64 B"          pass "every byte checked"            ok      -c 20 -s 64 -w 0.2 -d 0.5
check "echo 4 x 64 KiB"         pass "every byte checked"            ok      -c 4 -s 65536 -w 0.2 -d 0.5
check "1,000 connections"       pass "1000 connections intact"       ok      -c 1000 -s 64 -w 0.2 -d 0.5
check "--once"                  pass "churned 300 connections"       ok      --once -c 300 -s 64
check "--idle"                  pass "closed 50 idle connections"    ok      --idle -c 50 -d 0.2
check "a corrupted byte"        fail "the echo differs"              corrupt -c 2 -s 64 -w 0.5 -d 1
# the extra byte is read either before the next message is sent or as the start of its echo
check "an extra byte"           fail "never sent to it\|echo differs" extra   -c 2 -s 64 -w 0.5 -d 1
check "a server that closes"    fail "the server closed"             close   -c 2 -s 64 -w 0.5 -d 1
check "a corrupted large echo"  fail "the echo differs"              corrupt -c 1 -s 65536 -w 0.5 -d 1
# The numbers: percentiles in order, and the server CPU read from /proc/PID/stat of the given PID:
# nothing for a sleeping process, something for a spinning one, and split into user space and kernel.
numbers() {   # numbers SERVER_PID [FAULT] -> the RESULT line of a short run against an echo server
    local port out
    coproc SERVER { serve "${2:-ok}"; }
    local server=$SERVER_PID
    read -r port <&"${SERVER[0]}"
    out=$(timeout 30 "$PINGPONG" -c 10 -s 64 -w 0.2 -d 1 --server-pid "$1" "127.0.0.1:$port" 2>&1 | grep '^RESULT')
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    echo "$out"
}
sleep 30 & sleeper=$!
python3 -c 'while True: pass' & spinner=$!
# A spin loop in Python runs in user space: its CPU per round trip must show there, not in the kernel.
for probe in "sleeping:$sleeper:cpu == 0 && user == 0 && sys == 0" "spinning:$spinner:cpu > 0 && user > sys"; do
    IFS=: read -r what pid condition <<<"$probe"
    result=$(numbers "$pid")
    if awk -v r="$result" "BEGIN {
            n = split(r, kv, \" \"); for (i = 2; i <= n; i++) { split(kv[i], p, \"=\"); v[p[1]] = p[2] + 0 }
            cpu = v[\"server_cpu_pct\"]; user = v[\"server_user_us_per_rt\"]; sys = v[\"server_sys_us_per_rt\"]
            ok = (\"server_cpu_pct\" in v) && (\"server_user_us_per_rt\" in v) && (\"server_sys_us_per_rt\" in v) && v[\"p50_us\"] > 0 && v[\"p50_us\"] <= v[\"p99_us\"] \\
                 && v[\"p99_us\"] <= v[\"p999_us\"] && v[\"p999_us\"] <= v[\"max_us\"] && ($condition)
            exit !ok }"; then
        echo "PASS numbers, server CPU of a $what process"
    else
        echo "FAIL numbers, server CPU of a $what process: $result"; failures=$((failures + 1))
    fi
done
kill "$sleeper" "$spinner"

# Round trips per connection: in order, and a connection the server keeps waiting shows as the minimum.
for probe in "even:ok:min >= 1 && min <= p1 && p1 <= med && med <= max" "one lagging:lag:min >= 1 && min * 10 < med && med <= max"; do
    IFS=: read -r what fault condition <<<"$probe"
    result=$(numbers 0 "$fault")
    if awk -v r="$result" "BEGIN {
            n = split(r, kv, \" \"); for (i = 2; i <= n; i++) { split(kv[i], p, \"=\"); v[p[1]] = p[2] + 0 }
            min = v[\"conn_rt_min\"]; p1 = v[\"conn_rt_p1\"]; med = v[\"conn_rt_median\"]; max = v[\"conn_rt_max\"]
            ok = (\"conn_rt_min\" in v) && ($condition)
            exit !ok }"; then
        echo "PASS numbers, round trips per connection, $what"
    else
        echo "FAIL numbers, round trips per connection, $what: $result"; failures=$((failures + 1))
    fi
done

if ! refused=$("$PINGPONG" -c 1 -s 64 -w 0 -d 0.1 127.0.0.1:1 2>&1) && grep -q "Connection refused" <<<"$refused"; then
    echo "PASS no server"
else
    echo "FAIL no server: no 'Connection refused'"; failures=$((failures + 1))
fi

[ $failures = 0 ] && echo "all client checks passed" || { echo "$failures client check(s) failed"; exit 1; }
