#!/usr/bin/env bash
# The echo sample on the Windows JVM under Wine (IOCP backend), driven from Linux: a checksummed
# 64-byte ping-pong over 100 connections, then 64 KiB messages over 10 connections. The load
# client verifies every echoed byte and exits non-zero on any mismatch or dropped connection.
# Then clients that abandon the server at once (connect and close, connect and reset with
# SO_LINGER 0) must not stop its accept loop: the ping-pong is run again after them.
#
# Run from the repository root after the build (target/classes, target/test-classes):
#   .ci/windows-echo-check.sh [port]
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/windows-java.sh
source bench/lib.sh
JAVA="$(find_jdk25)/bin/java"
port=${1:-9707}

weft_win_init
mkdir -p "$WEFT_WIN_DIR"
log="$WEFT_WIN_DIR/echo-server.log"

: >"$log" # emptied before the start: the wait below must not find an earlier run's line
.ci/windows-java.sh --enable-native-access=ALL-UNNAMED -Dweft.backend=iocp \
    -cp target/classes:target/test-classes dev.weft.samples.EchoServer "$port" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  weft_win_kill
}
trap cleanup EXIT

for _ in $(seq 1 600); do
  grep -q "listening on" "$log" 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "echo server on the Windows JVM exited at start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
grep -q "listening on" "$log" || { echo "echo server did not start in 60 s" >&2; cat "$log" >&2; exit 1; }
grep -i "backend\|iocp" "$log" | head -3 || true
grep -qi "iocp" "$log" || { echo "the server did not report the iocp backend:" >&2; cat "$log" >&2; exit 1; }

echo "== 100 connections x 64 B ping-pong against the Windows JVM (IOCP) =="
"$JAVA" -cp target/test-classes dev.weft.samples.LoadClient -c 100 -s 64 -w 1 -d 5 "127.0.0.1:$port"
echo "== 10 connections x 64 KiB against the Windows JVM (IOCP) =="
"$JAVA" -cp target/test-classes dev.weft.samples.LoadClient -c 10 -s 65536 -w 1 -d 3 "127.0.0.1:$port"

echo "== 500 connect-then-close and 500 connect-then-reset clients =="
python3 - "$port" <<'PY'
import socket, struct, sys
from concurrent.futures import ThreadPoolExecutor
port = int(sys.argv[1])
def abandon(i):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    if i % 2 == 0:  # reset: SO_LINGER on with a zero timeout makes close send RST
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
with ThreadPoolExecutor(16) as pool:
    list(pool.map(abandon, range(1000)))
print("1000 abandoning clients done")
PY
echo "== 100 connections x 64 B ping-pong again, after the abandoning clients =="
"$JAVA" -cp target/test-classes dev.weft.samples.LoadClient -c 100 -s 64 -w 1 -d 3 "127.0.0.1:$port"

if ! kill -0 "$server" 2>/dev/null; then
  echo "the echo server died during the run:" >&2
  cat "$log" >&2
  exit 1
fi
echo "windows echo check: OK"
