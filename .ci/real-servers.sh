#!/usr/bin/env bash
# Real servers for the drop-in suite (dev.weft.realclients): a throwaway PostgreSQL cluster and a
# redis-server, installed with apt-get when missing. Their logs and state live in
# target/real-servers; the cluster's data directory is a fresh one under /tmp (PostgreSQL runs as
# the "postgres" user, which may not be allowed into the checkout's directories).
#
#   .ci/real-servers.sh start     install if needed, start both, wait until they answer
#   .ci/real-servers.sh stop      stop both, remove their data
#
# Ports: WEFT_PG_PORT (9810) and WEFT_REDIS_PORT (9811). PostgreSQL refuses to run as root, so
# as root the cluster runs as the "postgres" user (made by the package).
# Any failure exits non-zero: the suite must fail, not skip, when a server cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${WEFT_PG_PORT:-9810}
REDIS_PORT=${WEFT_REDIS_PORT:-9811}
DIR=$PWD/target/real-servers

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && echo "$bin"
}

install_missing() {
  local packages=()
  pg_bin >/dev/null || packages+=(postgresql)
  command -v redis-server >/dev/null || packages+=(redis-server)
  if [ ${#packages[@]} -gt 0 ]; then
    echo "[real-servers] apt-get install ${packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  install_missing
  stop_quietly
  mkdir -p "$DIR"
  local bin pgdata
  bin=$(pg_bin)
  pgdata=$(mktemp -d /tmp/weft-pg.XXXXXX)
  echo "$pgdata" >"$DIR/pgdata"
  if [ "$(id -u)" = 0 ]; then chown postgres "$pgdata"; fi
  as_postgres "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  # the server log goes to the data directory: the postgres user may not write to the checkout
  # 200 connections from the suite plus a margin; the socket directory is the cluster's own
  as_postgres "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $pgdata -c listen_addresses=127.0.0.1 -c max_connections=260 -c fsync=off" \
    >/dev/null || { cat "$pgdata/server.log" >&2; exit 1; }
  ln -sf "$pgdata/server.log" "$DIR/postgres.log"
  "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -t 30 >/dev/null

  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -p "$REDIS_PORT" ping | grep -q PONG || { cat "$DIR/redis.log" >&2; exit 1; }
  echo "[real-servers] PostgreSQL on 127.0.0.1:$PG_PORT, redis on 127.0.0.1:$REDIS_PORT"
}

stop_quietly() {
  local bin pgdata=
  bin=$(pg_bin) || true
  [ -f "$DIR/pgdata" ] && pgdata=$(cat "$DIR/pgdata")
  if [ -n "$bin" ] && [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$pgdata" in /tmp/weft-pg.*) rm -rf "$pgdata" ;; esac
  if [ -f "$DIR/redis.pid" ]; then
    local pid
    pid=$(cat "$DIR/redis.pid")      # redis removes the file as it exits
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
