#!/usr/bin/env bash
# Every load-generator scenario on the memory engine, on Redis, and on two instances on Redis, one
# after the other: what BENCHMARKS.md's scenario tables come from. About 17 minutes; run it on an
# otherwise idle machine (the generator and the servers share its cores).
#
#   bench/matrix.sh                 # all three set-ups
#   bench/matrix.sh memory redis    # some of them (memory, redis, redis2)
#
# Each run's summary and JSON line go to target/matrix/<set-up>-<scenario>.txt as well as stdout.
set -uo pipefail
cd "$(dirname "$0")/.."

out=${MATRIX_OUT:-target/matrix}
mkdir -p "$out"
setups=("$@")
[ ${#setups[@]} -eq 0 ] && setups=(memory redis redis2)

failed=0
run() {
  local name=$1
  shift
  echo "== $name: bench/load.sh $*"
  if ! bench/load.sh "$@" 2>&1 | tee "$out/$name.txt"; then
    echo "== $name: exited non-zero (a check failed or a target was missed; see above)"
    failed=1
  fi
}

for setup in "${setups[@]}"; do
  case $setup in
    memory) flags=(--start-server) ;;
    redis) flags=(--start-server --redis) ;;
    redis2) flags=(--start-server --redis --instances 2) ;;
    *)
      echo "unknown set-up: $setup (memory, redis, redis2)" >&2
      exit 2
      ;;
  esac
  run "$setup-fanout" "${flags[@]}" fanout --warmup 30 --seconds 15
  run "$setup-saturate" "${flags[@]}" saturate --rate 100 --warmup 30 --max-seconds 240
  # Three runs against one server: the first measures the JIT as much as the joins, the last a
  # warm server.
  run "$setup-connections" "${flags[@]}" --runs 3 connections --connections 15000 \
    --per-session 100 --warmup-joins 3000 --live-heap --max-seconds 240
  run "$setup-churn" "${flags[@]}" churn --concurrency 100 --seconds 20
  run "$setup-history" "${flags[@]}" history --seed-messages 2000 --concurrency 16
done
exit $failed
