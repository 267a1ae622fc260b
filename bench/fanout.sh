#!/usr/bin/env bash
# Starts the packaged server on loopback, measures start-up time and idle memory, then runs the
# fan-out load and reports server CPU per delivered message. Usage:
#   bench/fanout.sh [sessions] [displaysPerSession] [ratePerController] [seconds]
# Needs the machine's PostgreSQL on 127.0.0.1:5432 (it makes and drops a database).
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${1:-10}; DISPLAYS=${2:-10}; RATE=${3:-100}; SECONDS_=${4:-10}
PORT=${BENCH_PORT:-3901}
DB=marquee_bench_$$

[ -f target/marquee.jar ] || mvn -q -B package -DskipTests
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.cp)"

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
WORK=$(mktemp -d)
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

START=$(date +%s%N)
PORT=$PORT HOST=127.0.0.1 DATA_DIR="$WORK/data" LOG_DIR="$WORK/logs" LOG_LEVEL=warn \
  DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" \
  RATE_LIMIT_MAX_REQUESTS=100000000 RATE_LIMIT_IP_MAX_REQUESTS=100000000 \
  RATE_LIMIT_CONNECTIONS_PER_IP=100000000 \
  java -jar target/marquee.jar > "$WORK/server.log" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; do sleep 0.02; done
READY_MS=$(( ($(date +%s%N) - START) / 1000000 ))
sleep 2
RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
echo "{\"scenario\":\"startup\",\"readyMs\":$READY_MS,\"idleRssMiB\":$((RSS_KB / 1024))}"

ticks() { awk '{print $14 + $15}' /proc/$PID/stat; }
echo "$(ticks)" > "$WORK/cpu.start"
java -cp "$CP" -Dmarquee.cpu.start.cmd="awk '{print \$14 + \$15}' /proc/$PID/stat > $WORK/cpu.start" \
  dev.marquee.bench.FanoutBench "http://127.0.0.1:$PORT" "$SESSIONS" "$DISPLAYS" "$RATE" "$SECONDS_" \
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
