#!/usr/bin/env bash
# Starts the packaged server on loopback (one instance, or several on Redis), measures start-up
# time and idle memory, then runs the fan-out load and reports server CPU per delivered message.
#
#   bench/fanout.sh [sessions] [displaysPerSession] [ratePerController] [seconds]
#
# ENGINE=memory (default) or ENGINE=redis (Redis at REDIS_URL, default redis://127.0.0.1:6379);
# INSTANCES=n runs n instances on Redis, displays spread over them. Needs the machine's
# PostgreSQL on 127.0.0.1:5432 (it makes and drops a database).
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
  wait 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  if [ "$ENGINE" = redis ]; then
    redis-cli --scan --pattern "$PREFIX:*" | xargs -r -n 100 redis-cli unlink >/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

REDIS_ENV=()
if [ "$ENGINE" = redis ]; then
  REDIS_ENV=(REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}" REDIS_KEY_PREFIX="$PREFIX")
fi
URLS=""
for i in $(seq 1 "$INSTANCES"); do
  PORT=$((BASE_PORT + i - 1))
  START=$(date +%s%N)
  env PORT=$PORT HOST=127.0.0.1 DATA_DIR="$WORK/data$i" LOG_DIR="$WORK/logs$i" LOG_LEVEL=warn \
    DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" \
    RATE_LIMIT_MAX_REQUESTS=100000000 RATE_LIMIT_IP_MAX_REQUESTS=100000000 \
    RATE_LIMIT_CONNECTIONS_PER_IP=100000000 RATE_LIMIT_HTTP_PER_IP=100000000 \
    "${REDIS_ENV[@]}" java -jar target/marquee.jar > "$WORK/server$i.log" 2>&1 &
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
java -cp "$CP" -Dmarquee.cpu.start.cmd="$START_CMD" \
  dev.marquee.bench.FanoutBench "$URLS" "$SESSIONS" "$DISPLAYS" "$RATE" "$SECONDS_" \
  | tee "$WORK/result.json"
CPU_TICKS=$(( $(ticks) - $(cat "$WORK/cpu.start") ))
HZ=$(getconf CLK_TCK)
python3 - "$WORK/result.json" "$CPU_TICKS" "$HZ" "$SECONDS_" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
ticks, hz, secs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cpu_s = ticks / hz
# cpu.start is taken after warm-up; the tail includes ~1 s of drain, counted against the window.
delivered = r["deliveriesPerSecond"] * secs
print(json.dumps({"scenario": "fanout-server-cpu", "serverCpuSeconds": round(cpu_s, 2),
  "serverCpuUsPerDelivery": round(cpu_s * 1e6 / max(delivered, 1), 2)}))
PY
