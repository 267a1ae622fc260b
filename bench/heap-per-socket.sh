#!/usr/bin/env bash
# What a held socket keeps on the server's heap, class by class: a class histogram (jcmd, after a
# full GC) of a running server before and while the load generator holds N joined sockets, the
# difference divided by N. The total is what `connections --live-heap` reports; this says where
# it goes (BENCHMARKS.md, issue 6's memory sections).
#
#   bench/heap-per-socket.sh <server-pid> [url] [sockets]     # url default http://127.0.0.1:3001
#
# The server must be one this machine's jcmd can attach to (same user), with the rate limits
# raised as bench/load.sh --start-server raises them (docs/loadgen.md): RATE_LIMIT_MAX_REQUESTS,
# RATE_LIMIT_IP_MAX_REQUESTS, RATE_LIMIT_CONNECTIONS_PER_IP, RATE_LIMIT_HTTP_PER_IP and
# RATE_LIMIT_FAILED_JOINS_PER_IP.
set -euo pipefail
cd "$(dirname "$0")/.."
PID=${1:?usage: bench/heap-per-socket.sh <server-pid> [url] [sockets]}
URL=${2:-http://127.0.0.1:3001}
N=${3:-5000}
JAR=loadgen/target/marquee-loadgen.jar
[ -f "$JAR" ] || mvn -q -B -f loadgen/pom.xml package -DskipTests >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A first small run so that classes loaded once (not per socket) are in both histograms.
java -jar "$JAR" connections --url "$URL" --connections 200 --per-session 10 --seconds 1 \
  --warmup-joins 0 --json-only >/dev/null
jcmd "$PID" GC.class_histogram > "$WORK/before.txt"
java -jar "$JAR" connections --url "$URL" --connections "$N" --per-session 10 --seconds 25 \
  --warmup-joins 0 --json-only > "$WORK/run.json" &
GEN=$!
# Joins take a few seconds; the sockets are held for 25.
sleep 15
jcmd "$PID" GC.class_histogram > "$WORK/held.txt"
if ! wait "$GEN"; then
  echo "heap-per-socket.sh: the generator's run failed (rate limits raised?):" >&2
  cat "$WORK/run.json" >&2
  exit 1
fi
python3 - "$N" "$WORK/before.txt" "$WORK/held.txt" <<'PY'
import re, sys
n = int(sys.argv[1])
def load(path):
    rows = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
before, held = load(sys.argv[2]), load(sys.argv[3])
diff = sorted(((b - before.get(k, (0, 0))[1], c - before.get(k, (0, 0))[0], k)
               for k, (c, b) in held.items()), reverse=True)
print("heap per held socket: %.0f bytes (%d sockets)" % (sum(d[0] for d in diff) / n, n))
for size, count, name in diff[:40]:
    print("%8.0f B %6.2f per socket  %s" % (size / n, count / n, name))
PY
