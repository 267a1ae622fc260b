#!/usr/bin/env bash
# The load generator (loadgen/, docs/loadgen.md): builds it if needed, optionally starts the
# server(s) to measure, and runs one scenario.
#
#   bench/load.sh [script options] <scenario> [generator options]
#   bench/load.sh --help
#
# Script options (anywhere on the line):
#   --start-server     start target/marquee.jar (built if missing) on a free loopback port with a
#                      fresh database on the machine's PostgreSQL (127.0.0.1:5432) and the rate
#                      limits raised; --url and --server-pid are then passed for you
#   --embedded-db      with --start-server: the server's embedded PostgreSQL instead
#   --redis            with --start-server: the Redis engine on the machine's Redis
#                      (REDIS_URL, default redis://127.0.0.1:6379) under a unique REDIS_KEY_PREFIX
#   --instances N      with --start-server --redis: N server processes sharing that Redis
#   --server-env K=V   extra environment for the started server(s); repeatable
#   --runs N           with --start-server: run the scenario N times (1..20) against the same
#                      server(s), one after the other; each run prints its own figures, and the
#                      last ones are those of a server warmed by the runs before it
#
# Environment: SERVER_JAVA_OPTS (server JVM flags), LOADGEN_JAVA_OPTS (generator JVM flags),
# REDIS_URL, BENCH_PORT (first port to try, default 3920).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JAR=loadgen/target/marquee-loadgen.jar
SERVER_JAR=target/marquee.jar

START=0; EMBEDDED=0; REDIS=0; INSTANCES=1; RUNS=1; SERVER_ENV=(); ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --start-server) START=1 ;;
    --embedded-db) EMBEDDED=1 ;;
    --redis) REDIS=1 ;;
    --instances) INSTANCES=${2:?--instances needs a number}; shift ;;
    --instances=*) INSTANCES=${1#*=} ;;
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --runs=*) RUNS=${1#*=} ;;
    --server-env) SERVER_ENV+=("${2:?--server-env needs K=V}"); shift ;;
    --server-env=*) SERVER_ENV+=("${1#*=}") ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
die() { echo "load.sh: $*" >&2; exit 2; }
case "$INSTANCES" in ''|*[!0-9]*) die "--instances must be a number" ;; esac
[ "$INSTANCES" -ge 1 ] && [ "$INSTANCES" -le 8 ] || die "--instances must be 1..8"
if [ "$INSTANCES" -gt 1 ] && [ "$REDIS" = 0 ]; then die "--instances above 1 needs --redis"; fi
case "$RUNS" in ''|*[!0-9]*) die "--runs must be a number" ;; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 20 ] || die "--runs must be 1..20"
if [ "$RUNS" -gt 1 ] && [ "$START" = 0 ]; then die "--runs goes with --start-server"; fi
if [ "$START" = 0 ] && { [ "$REDIS" = 1 ] || [ "$EMBEDDED" = 1 ] || [ "$INSTANCES" -gt 1 ]; }; then
  die "--redis, --embedded-db and --instances go with --start-server"
fi

if [ "$START" = 1 ]; then
  for a in "${ARGS[@]:-}"; do
    case "$a" in --url|--url=*|--server-pid|--server-pid=*) die "--start-server sets --url and --server-pid itself" ;; esac
  done
fi

# Build the generator when its jar is missing or older than its sources.
if [ ! -f "$JAR" ] || [ -n "$(find loadgen/pom.xml loadgen/src/main -newer "$JAR" -print -quit)" ]; then
  echo "load.sh: building the load generator" >&2
  mvn -q -B -f loadgen/pom.xml package -DskipTests >&2
fi
for a in "${ARGS[@]:-}"; do
  if [ "$a" = --help ] || [ "$a" = -h ]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    echo
    exec java -jar "$JAR" --help
  fi
done
# shellcheck disable=SC2086
if [ "$START" = 0 ]; then exec java ${LOADGEN_JAVA_OPTS:-} -jar "$JAR" "${ARGS[@]}"; fi

[ -f "$SERVER_JAR" ] || { echo "load.sh: building the server" >&2; mvn -q -B package -DskipTests >&2; }
WORK=$(mktemp -d)
DB=marquee_load_$$
PREFIX=load$$
PIDS=()
DB_MADE=0
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  # A server gets 20 s to shut down cleanly, then is killed.
  for _ in $(seq 1 200); do
    alive=0
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { wait "$p" 2>/dev/null || true; }; done
  if [ "$DB_MADE" = 1 ]; then
    timeout 60 psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ "$REDIS" = 1 ]; then
    timeout 60 redis-cli -u "$REDIS_URL_" --scan --pattern "$PREFIX:*" 2>/dev/null \
      | timeout 60 xargs -r -n 500 redis-cli -u "$REDIS_URL_" del >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ENV=(HOST=127.0.0.1 LOG_LEVEL=warn LOG_DIR="$WORK/logs"
  RATE_LIMIT_MAX_REQUESTS=1000000000 RATE_LIMIT_IP_MAX_REQUESTS=1000000000
  RATE_LIMIT_CONNECTIONS_PER_IP=1000000000 RATE_LIMIT_HTTP_PER_IP=1000000000
  RATE_LIMIT_FAILED_JOINS_PER_IP=1000000000)
if [ "$EMBEDDED" = 1 ]; then
  ENV+=(DATA_DIR="$WORK/data")
else
  timeout 60 psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null \
    || die "cannot create a database on 127.0.0.1:5432 in 60 s (use --embedded-db without it)"
  DB_MADE=1
  ENV+=(DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" DATA_DIR="$WORK/data")
fi
REDIS_URL_=${REDIS_URL:-redis://127.0.0.1:6379}
if [ "$REDIS" = 1 ]; then
  timeout 10 redis-cli -u "$REDIS_URL_" ping >/dev/null 2>&1 || die "no Redis answers at $REDIS_URL_ in 10 s"
  ENV+=(REDIS_URL="$REDIS_URL_" REDIS_KEY_PREFIX="$PREFIX")
fi

# 200 from /health/ready within 3 s (curl when present, else plain bash).
ready() {
  if command -v curl >/dev/null 2>&1; then
    curl -sf --max-time 3 "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1
  else
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET /health/ready HTTP/1.0\r\n\r\n' >&3 \
      && head -n 1 <&3 | grep -q ' 200 '" 2>/dev/null
  fi
}
# What /health/ready answers, for the message when a server never gets ready.
readiness() {
  command -v curl >/dev/null 2>&1 || return 0
  curl -s --max-time 5 "http://127.0.0.1:$1/health/ready" 2>&1 | head -c 2000 >&2 || true
  echo >&2
}
# Nothing answers on the port (a connect that hangs counts as taken).
port_free() { ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
PORT=${BENCH_PORT:-3920}
GEN=()
for i in $(seq 1 "$INSTANCES"); do
  while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
  # shellcheck disable=SC2086
  env "${ENV[@]}" "${SERVER_ENV[@]}" PORT="$PORT" \
    java ${SERVER_JAVA_OPTS:-} -jar "$ROOT/$SERVER_JAR" > "$WORK/server$i.log" 2>&1 &
  PIDS+=($!)
  echo "load.sh: starting server $i on 127.0.0.1:$PORT" >&2
  # Sixty seconds by the clock, however long each probe takes.
  DEADLINE=$((SECONDS + 60))
  until ready "$PORT"; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -n 30 "$WORK/server$i.log" >&2; die "server $i exited"; }
    if [ "$SECONDS" -ge "$DEADLINE" ]; then
      echo "load.sh: server $i's /health/ready:" >&2
      readiness "$PORT"
      tail -n 30 "$WORK/server$i.log" >&2
      die "server $i not ready in 60 s"
    fi
    sleep 0.1
  done
  echo "load.sh: server $i ready on 127.0.0.1:$PORT (pid ${PIDS[-1]})" >&2
  GEN+=(--url "http://127.0.0.1:$PORT" --server-pid "${PIDS[-1]}")
  PORT=$((PORT + 1))
done

set +e
RC=0
for run in $(seq 1 "$RUNS"); do
  [ "$RUNS" -gt 1 ] && echo "load.sh: run $run of $RUNS" >&2
  # shellcheck disable=SC2086
  java ${LOADGEN_JAVA_OPTS:-} -jar "$JAR" "${ARGS[@]}" "${GEN[@]}"
  RC=$?
  [ "$RC" -ne 0 ] && break
done
set -e
if [ "$RC" -ne 0 ] && [ "$RC" -ne 2 ]; then
  for i in $(seq 1 "$INSTANCES"); do
    echo "load.sh: last lines of server $i's log:" >&2
    tail -n 15 "$WORK/server$i.log" >&2
  done
fi
exit "$RC"
