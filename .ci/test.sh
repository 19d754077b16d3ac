#!/usr/bin/env bash
# Install everything the tests need, then run every test.
#   system: GDAL (ogrinfo, ogr2ogr), OpenSlide tools, Chromium, the aws CLI, and Ceph radosgw
#           for a real S3 gateway on 127.0.0.1 (started by the test run itself);
#   npm:    the locked dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(gdal-bin openslide-tools chromium awscli radosgw ceph-mon ceph-osd ceph-common
  uuid-runtime curl python3 sqlite3)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing system packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund

# Run every test; then print the plain closing line 'N passed, N failed' that CI reads.
results="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$results" || true
rm -f "$results"
exit "$status"
