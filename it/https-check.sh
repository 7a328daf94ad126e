#!/usr/bin/env bash
# ./run-demo https answers curl and openssl s_client: the sample makes its self-signed
# certificate at start, and both clients must verify it against that certificate (no -k).
# Expects the classes built (run-tests runs it after mvn test).
set -euo pipefail
cd "$(dirname "$0")/.."
source it/lib.sh
for tool in curl openssl; do
  command -v $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq $tool >/dev/null; }
done

log=$(mktemp)
./run-demo https 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=$(await_port $pid "$log" 's/.*listening on port \([0-9]*\).*/\1/p')
pem=target/https-sample/localhost.pem

body=$(curl -sS --max-time 20 --cacert "$pem" "https://localhost:$port/")
[ "$body" = "Hello, world!" ] || { echo "curl got '$body'" >&2; exit 1; }

s_client=$(printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
  timeout 20 openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$pem" \
    -verify_return_error -ign_eof 2>&1)
grep -q 'Verify return code: 0 (ok)' <<<"$s_client" || { echo "$s_client" >&2; exit 1; }
grep -q 'Hello, world!' <<<"$s_client" || { echo "$s_client" >&2; exit 1; }
echo "https sample: curl --cacert and openssl s_client verified the certificate and read 'Hello, world!' on port $port"
