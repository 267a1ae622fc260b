#!/usr/bin/env bash
# The fault suite (issue 7, docs/reliability.md) in its documented long form: each test runs two
# server processes (target/marquee.jar) on a Redis of its own and a fresh PostgreSQL database
# behind a proxy it can cut, under a steady checked load. `mvn verify` runs the same tests short.
#
#   bench/faults.sh [--only NAME] [--short]
#   bench/faults.sh --help
#
#   --only NAME   one test class: InstanceKillFaultIT, RedisFaultIT, DatabaseFaultIT,
#                 SlowConsumerFaultIT or SoakIT
#   --short       the CI sizes instead of the long form
#
# The long form: 30 s of load during or after each fault (FAULTS_DURING_MS=30000), a one-minute
# PostgreSQL outage (FAULTS_PG_OUTAGE_MS=60000) and a 15-minute soak (FAULTS_SOAK_MS=900000), about
# 20 minutes in all. A value the caller exported wins, for these and for FAULTS_SESSIONS,
# FAULTS_DISPLAYS, FAULTS_PERIOD_MS, FAULTS_BEFORE_MS and FAULTS_WARMUP_MS (FaultLoad.java).
#
# Needs /usr/bin/redis-server and PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres;
# TEST_PG_HOST, TEST_PG_PORT, TEST_PG_USER to change). Runs with CI=true unless set, so a missing
# service fails the run instead of skipping the tests. Maven packages the jar from the current
# sources before the tests start. The figures of each test (target/faults/NAME.txt) are printed at
# the end, whether the tests passed or not; the exit status is Maven's.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "faults.sh: $*" >&2; exit 2; }

TESTS='*FaultIT,SoakIT'
SHORT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) TESTS=${2:?--only needs a test class name}; shift ;;
    --only=*) TESTS=${1#*=} ;;
    --short) SHORT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done
case "$TESTS" in
  InstanceKillFaultIT|RedisFaultIT|DatabaseFaultIT|SlowConsumerFaultIT|SoakIT|'*FaultIT,SoakIT') ;;
  *) die "--only takes InstanceKillFaultIT, RedisFaultIT, DatabaseFaultIT, SlowConsumerFaultIT or SoakIT" ;;
esac

if [ "$SHORT" = 0 ]; then
  export FAULTS_DURING_MS=${FAULTS_DURING_MS:-30000}
  export FAULTS_PG_OUTAGE_MS=${FAULTS_PG_OUTAGE_MS:-60000}
  export FAULTS_SOAK_MS=${FAULTS_SOAK_MS:-900000}
fi
export CI=${CI:-true}
env | grep '^FAULTS_' | sort | sed 's/^/faults.sh: /' >&2 || true

mkdir -p target/faults
MARK=$(mktemp)
trap 'rm -f "$MARK"' EXIT

STATUS=0
mvn -B -DskipWeb verify -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test="$TESTS" || STATUS=$?

FOUND=0
for f in target/faults/*.txt; do
  if [ -f "$f" ] && [ "$f" -nt "$MARK" ]; then
    FOUND=1
    printf '\n== %s\n' "$(basename "$f" .txt)"
    cat "$f"
  fi
done
[ "$FOUND" = 1 ] || echo "faults.sh: no figures written (see the Maven output above)" >&2
exit "$STATUS"
