#!/usr/bin/env bash
# Audits Marquee's dependencies: known vulnerabilities where an advisory database can be reached,
# and always an inventory of what is shipped and what has newer releases.
#
#   deploy/audit-deps.sh            # everything this network allows
#   NVD_API_KEY=... deploy/audit-deps.sh   # adds OWASP dependency-check against the NVD
#
# Each step prints its own verdict; the script fails only when an audit that ran found a
# vulnerability at or above CVSS 7 (Maven) or "high" (npm).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
say() { printf '\n== %s\n' "$*"; }

say "npm audit (web app, production dependencies; needs the npm registry's advisory endpoint)"
if (cd web && npm audit --omit=dev --audit-level=high); then
  echo "npm audit: no high or critical advisories"
else
  rc=$?
  if (cd web && npm audit --omit=dev --json 2>/dev/null | grep -q '"vulnerabilities"'); then
    echo "npm audit: advisories found (above)"; status=1
  else
    echo "npm audit: the advisory endpoint could not be reached (exit $rc); nothing was checked"
  fi
fi

say "OWASP dependency-check (server jar; needs the NVD, best with an API key)"
if [ -n "${NVD_API_KEY:-}" ]; then
  mvn -B -q -DskipWeb -DskipTests org.owasp:dependency-check-maven:12.1.0:check \
    -DnvdApiKey="$NVD_API_KEY" -DfailBuildOnCVSS=7 -Dformats=HTML,JSON || status=1
  echo "report: target/dependency-check-report.html"
else
  echo "skipped: set NVD_API_KEY (free from nvd.nist.gov) on a machine that can reach the NVD"
fi

say "What the server jar ships (runtime scope)"
mvn -B -q -DskipWeb dependency:list -DincludeScope=runtime -DoutputFile=target/dependencies.txt \
  >/dev/null && sed -n '3,$p' target/dependencies.txt | sort

say "Newer releases of the server's direct dependencies (Maven Central)"
mvn -B -q -DskipWeb org.codehaus.mojo:versions-maven-plugin:2.18.0:display-dependency-updates \
  -DprocessDependencyManagement=false -Dversions.outputFile=target/dependency-updates.txt \
  >/dev/null && cat target/dependency-updates.txt

say "Newer releases of the web app's dependencies (npm registry)"
(cd web && npm outdated) || true

exit $status
