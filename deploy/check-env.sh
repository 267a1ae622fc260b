#!/usr/bin/env bash
# Checks deploy/kubernetes against the server's configuration, with nothing but bash and grep:
#   1. every variable set in configmap.yaml or secret.yaml is one the config package reads (a typo
#      would be silently ignored by the server);
#   2. every variable the config package reads is set in exactly one of them (the ConfigMap
#      documents the whole configuration);
#   3. the numbers that must agree do: PORT and the container port, the scrape port;
#      terminationGracePeriodSeconds >= preStop sleep + SHUTDOWN_TIMEOUT_MS + 5 s of close and
#      exit; the readiness probe's time-out above HEALTH_CHECK_TIMEOUT_MS.
# Usage: deploy/check-env.sh   (from anywhere in the repository; exits non-zero on any problem)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
k8s=$root/deploy/kubernetes
config=$root/src/main/java/dev/marquee/config
problems=0
fail() { echo "FAIL: $*"; problems=$((problems + 1)); }

# Keys of a ConfigMap's data or a Secret's stringData: two-space-indented UPPER_CASE keys.
keys() { grep -E '^  [A-Z][A-Z0-9_]*:' "$1" | sed -E 's/^  ([A-Z0-9_]+):.*/\1/' | sort; }
# A key's value, quotes removed.
value() { grep -E "^  $2:" "$1" | sed -E "s/^  $2: *\"?([^\"]*)\"?.*/\1/"; }

# Config.java and the records that read their own group (Http, Jwt, Retention) name them in quotes.
known=$(cat "$config"/*.java | grep -oE '"[A-Z][A-Z0-9_]*"' | tr -d '"' | sort -u)
cm=$(keys "$k8s/configmap.yaml")
secret=$(keys "$k8s/secret.yaml")

for name in $cm $secret; do
  grep -qx "$name" <<<"$known" || fail "$name is set in deploy/kubernetes but the server never reads it"
done
for name in $known; do
  n=$( (echo "$cm"; echo "$secret") | grep -cx "$name" || true)
  [ "$n" -eq 1 ] || fail "$name is read by the server but set $n times in configmap.yaml + secret.yaml (want 1)"
done

port=$(value "$k8s/configmap.yaml" PORT)
container_port=$(grep -E 'containerPort:' "$k8s/deployment.yaml" | grep -oE '[0-9]+')
scrape_port=$(grep -E 'prometheus.io/port:' "$k8s/deployment.yaml" | grep -oE '[0-9]+')
[ "$port" = "$container_port" ] || fail "PORT $port but containerPort $container_port"
[ "$port" = "$scrape_port" ] || fail "PORT $port but prometheus.io/port $scrape_port"

shutdown_ms=$(value "$k8s/configmap.yaml" SHUTDOWN_TIMEOUT_MS)
grace=$(grep -E 'terminationGracePeriodSeconds:' "$k8s/deployment.yaml" | grep -oE '[0-9]+')
pre_stop=$(grep -E 'command: \["sleep", "[0-9]+"\]' "$k8s/deployment.yaml" | grep -oE '[0-9]+' || echo 0)
need=$((pre_stop + (shutdown_ms + 999) / 1000 + 5))
[ "$grace" -ge "$need" ] ||
  fail "terminationGracePeriodSeconds $grace < preStop $pre_stop s + SHUTDOWN_TIMEOUT_MS $shutdown_ms ms + 5 s = $need"

check_ms=$(value "$k8s/configmap.yaml" HEALTH_CHECK_TIMEOUT_MS)
ready_timeout=$(sed -n '/readinessProbe:/,/successThreshold:/p' "$k8s/deployment.yaml" |
  grep -E 'timeoutSeconds:' | grep -oE '[0-9]+')
[ $((ready_timeout * 1000)) -gt "$check_ms" ] ||
  fail "readinessProbe timeoutSeconds $ready_timeout s is not above HEALTH_CHECK_TIMEOUT_MS $check_ms ms"

count=$(wc -w <<<"$known")
if [ "$problems" -eq 0 ]; then
  echo "OK: $count variables of the config package, each set once ($(wc -w <<<"$cm") in the ConfigMap," \
    "$(wc -w <<<"$secret") in the Secret); PORT $port = containerPort = scrape port;" \
    "grace ${grace} s >= ${need} s; readiness time-out ${ready_timeout} s > ${check_ms} ms"
else
  echo "$problems problem(s)"
  exit 1
fi
