#!/usr/bin/env bash
# History under load: loads 10,000 messages into one session and 1,000,000 across 1,000 more,
# then times history pages, latest, search and stats over HTTP with concurrent clients.
#
#   bench/history.sh [seconds per endpoint] [concurrent clients]
#
# Needs the machine's PostgreSQL on 127.0.0.1:5432 (makes and drops a database; loading takes a
# minute or two).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-10}; CLIENTS=${2:-8}
PORT=${BENCH_PORT:-3911}
DB=marquee_hbench_$$
PSQL=(psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1)

[ -f target/marquee.jar ] || mvn -q -B package -DskipTests
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.cp)"

"${PSQL[@]}" -c "CREATE DATABASE $DB" >/dev/null
WORK=$(mktemp -d)
cleanup() {
  [ -n "${PID:-}" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

start_server() {
  PORT=$PORT HOST=127.0.0.1 DATA_DIR="$WORK/data" LOG_DIR="$WORK/logs" LOG_LEVEL=warn \
    DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" RATE_LIMIT_HTTP_PER_IP=100000000 \
    java -jar target/marquee.jar > "$WORK/server.log" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null; do sleep 0.05; done
}

# The server migrates the schema; then it steps aside while the data goes in.
start_server
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=

echo '{"scenario":"history-load","status":"loading"}'
LOAD_START=$(date +%s)
"${PSQL[@]}" -d "$DB" <<'SQL'
INSERT INTO sessions (code, title, owner_token_hash, epoch, created_at, expires_at, last_activity_at)
SELECT code, 'bench', '\x00', 'e', now() - interval '2 hours', now() + interval '22 hours', now()
FROM (SELECT 'BGGAAA' AS code UNION ALL
      -- 'S' and four base-31 digits of i, in the code alphabet: distinct and valid.
      SELECT 'S2' || string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', (i / (31 ^ k)::int % 31) + 1, 1), '' ORDER BY k DESC)
      FROM generate_series(1, 1000) i, generate_series(0, 3) k GROUP BY i) s;
CREATE TEMP TABLE words AS SELECT array['hello','world','lobby','quiz','team','answer',
  'question','music','coffee','break','schedule','speaker','thanks','great','talk','next',
  'session','room','welcome','friday','café','naïve','résumé','lunch','slides'] AS w;
INSERT INTO messages (session_code, seq, sent_at, client_id, sender_name, sender_role, body)
SELECT 'BGGAAA', n, now() - interval '2 hours' + n * interval '700 ms', 'c' || (n % 50),
       'Sender ' || (n % 50), 'controller',
       (SELECT string_agg(w[1 + floor(random() * 25)::int], ' ') FROM words, generate_series(1, 4 + (n % 9)))
FROM generate_series(1, 10000) n;
INSERT INTO messages (session_code, seq, sent_at, client_id, sender_name, sender_role, body)
SELECT s.code, n, now() - interval '2 hours' + n * interval '7 s', 'c' || (n % 20),
       'Sender ' || (n % 20), 'controller',
       (SELECT string_agg(w[1 + floor(random() * 25)::int], ' ') FROM words, generate_series(1, 4 + n % 3))
FROM (SELECT code FROM sessions WHERE code <> 'BGGAAA') s, generate_series(1, 1000) n;
UPDATE sessions s SET last_seq = m.last FROM (SELECT session_code, max(seq) AS last FROM messages GROUP BY 1) m
WHERE s.code = m.session_code;
-- What autovacuum does soon after a load: statistics, and the visibility map that lets a count
-- read the primary key alone.
VACUUM ANALYZE;
SQL
echo "{\"scenario\":\"history-load\",\"messages\":$("${PSQL[@]}" -d "$DB" -tAc 'SELECT count(*) FROM messages'),\"seconds\":$(( $(date +%s) - LOAD_START ))}"

start_server
java -cp "$CP" dev.marquee.bench.HistoryBench "http://127.0.0.1:$PORT" "$SECONDS_" "$CLIENTS" \
  "$("${PSQL[@]}" -d "$DB" -tAc "SELECT string_agg(code, ',') FROM (SELECT code FROM sessions WHERE code <> 'BGGAAA' LIMIT 200) s")"
