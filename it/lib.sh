# Shared by the it/ checks (source it): start a server in the background and learn its port.

# await_port PID LOG SED_EXPR: waits (up to 30 s) until the server PID prints its port in LOG,
# as SED_EXPR extracts it (sed -n with a p flag), and prints that port; fails with the log if
# the server dies or never says.
await_port() {
  local pid=$1 log=$2 expr=$3 port=
  for _ in $(seq 300); do
    port=$(sed -n "$expr" "$log")
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start:" >&2
  cat "$log" >&2
  return 1
}
