#!/usr/bin/env bash
# Starts the packaged server on loopback (one instance, or several on Redis), measures start-up
# time and idle memory, then runs the fan-out load and reports server CPU per delivered message.
#
#   bench/fanout.sh [sessions] [displaysPerSession] [ratePerController] [seconds]
#
# ENCRYPT=1 (with ENGINE=redis) turns on REDIS_ENCRYPTION_KEY with a fresh key.
# ENGINE=memory (default) or ENGINE=redis (a private redis-server the script starts on a free
# loopback port, so its command counts are this run's alone); INSTANCES=n runs n instances on
# Redis, displays spread over them. SERVER_JAVA_OPTS goes to the server JVMs (a profiler, say).
# WARMUP=s runs the load for s seconds (default 2) before the measured window.
# Needs the machine's PostgreSQL on 127.0.0.1:5432 (it makes
# and drops a database) and, for Redis, /usr/bin/redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${1:-10}; DISPLAYS=${2:-10}; RATE=${3:-100}; SECONDS_=${4:-10}
ENGINE=${ENGINE:-memory}; INSTANCES=${INSTANCES:-1}
BASE_PORT=${BENCH_PORT:-3901}
DB=marquee_bench_$$
PREFIX=bench$$

if [ "$ENGINE" = memory ] && [ "$INSTANCES" -gt 1 ]; then
  echo "several instances need ENGINE=redis" >&2; exit 2
fi
[ -f target/marquee.jar ] || mvn -q -B package -DskipTests
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.cp)"

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && { wait "$p" 2>/dev/null || true; }; done
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  if [ -n "${REDIS_PID:-}" ]; then kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

REDIS_ENV=()
if [ "$ENGINE" = redis ]; then
  REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
    --daemonize no > "$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.02; done
  REDIS_ENV=(REDIS_URL="redis://127.0.0.1:$REDIS_PORT" REDIS_KEY_PREFIX="$PREFIX")
  if [ "${ENCRYPT:-0}" = 1 ]; then
    REDIS_ENV+=(REDIS_ENCRYPTION_KEY="$(openssl rand -base64 32)")
  fi
fi
URLS=""
for i in $(seq 1 "$INSTANCES"); do
  PORT=$((BASE_PORT + i - 1))
  START=$(date +%s%N)
  env PORT=$PORT HOST=127.0.0.1 DATA_DIR="$WORK/data$i" LOG_DIR="$WORK/logs$i" LOG_LEVEL=warn \
    DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" \
    RATE_LIMIT_MAX_REQUESTS=100000000 RATE_LIMIT_IP_MAX_REQUESTS=100000000 \
    RATE_LIMIT_CONNECTIONS_PER_IP=100000000 RATE_LIMIT_HTTP_PER_IP=100000000 \
    "${REDIS_ENV[@]}" java ${SERVER_JAVA_OPTS:-} -jar target/marquee.jar > "$WORK/server$i.log" 2>&1 &
  PIDS+=($!)
  until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; do sleep 0.02; done
  READY_MS=$(( ($(date +%s%N) - START) / 1000000 ))
  URLS="${URLS:+$URLS,}http://127.0.0.1:$PORT"
  echo "{\"scenario\":\"startup\",\"engine\":\"$ENGINE\",\"instance\":$i,\"readyMs\":$READY_MS}"
done
sleep 2
for i in "${!PIDS[@]}"; do
  RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/${PIDS[$i]}/status)
  echo "{\"scenario\":\"idle\",\"instance\":$((i + 1)),\"idleRssMiB\":$((RSS_KB / 1024))}"
done

ticks() { local t=0; for p in "${PIDS[@]}"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
START_CMD="t=0; for p in ${PIDS[*]}; do t=\$((t + \$(awk '{print \$14 + \$15}' /proc/\$p/stat))); done; echo \$t > $WORK/cpu.start"
if [ "$ENGINE" = redis ]; then
  START_CMD="$START_CMD; redis-cli -p $REDIS_PORT config resetstat >/dev/null"
fi
java -cp "$CP" -Dmarquee.cpu.start.cmd="$START_CMD" -Dmarquee.warmup.seconds="${WARMUP:-2}" \
  dev.marquee.bench.FanoutBench "$URLS" "$SESSIONS" "$DISPLAYS" "$RATE" "$SECONDS_" \
  | tee "$WORK/result.json"
CPU_TICKS=$(( $(ticks) - $(cat "$WORK/cpu.start") ))
HZ=$(getconf CLK_TCK)
REDIS_STATS=""
if [ "$ENGINE" = redis ]; then
  REDIS_STATS=$(redis-cli -p "$REDIS_PORT" info commandstats | tr -d '\r')
fi
python3 - "$WORK/result.json" "$CPU_TICKS" "$HZ" "$SECONDS_" "$REDIS_STATS" <<'PY'
import json, re, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
ticks, hz, secs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cpu_s = ticks / hz
# cpu.start is taken after warm-up; the tail includes ~1 s of drain, counted against the window.
delivered = r["deliveriesPerSecond"] * secs
out = {"scenario": "fanout-server-cpu", "serverCpuSeconds": round(cpu_s, 2),
  "serverCpuUsPerDelivery": round(cpu_s * 1e6 / max(delivered, 1), 2)}
if sys.argv[5]:
  calls = {m.group(1): int(m.group(2)) for m in re.finditer(r"cmdstat_(\w+):calls=(\d+)", sys.argv[5])}
  total = sum(calls.values())
  out["redisCommands"] = calls
  # Counted from the end of warm-up (plus the ~1 s drain), per message sent in that time.
  # commandstats also counts commands run inside scripts; the round trips are the commands the
  # server sends itself: scripts, and the outbox consumer's XREADGROUP/XACK/XDEL/XAUTOCLAIM.
  sent = r["sessions"] * r["ratePerController"] * secs
  trips = sum(calls.get(c, 0) for c in ("evalsha", "eval", "xreadgroup", "xack", "xdel", "xautoclaim"))
  out["scriptCallsPerMessage"] = round((calls.get("evalsha", 0) + calls.get("eval", 0)) / max(sent, 1), 2)
  out["roundTripsPerMessage"] = round(trips / max(sent, 1), 2)
  out["redisCommandsPerMessage"] = round(total / max(sent, 1), 2)
print(json.dumps(out))
PY
