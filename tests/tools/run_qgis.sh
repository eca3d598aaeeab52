#!/usr/bin/env bash
# `make run`: QGIS with Geodock in a dedicated profile (build/qgis-profile) and the local demo servers,
# their connections imported. Without a DISPLAY, QGIS runs under Xvfb and a screenshot is written.
# RUN_SECONDS=N stops everything after N seconds (otherwise: until QGIS closes or Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
profiles="$root/build/qgis-profile"
profile="$profiles/profiles/default"
mkdir -p "$profile/python/plugins" "$profile/QGIS" "$root/build"
ln -sfn "$root" "$profile/python/plugins/geodock"
ini="$profile/QGIS/QGIS3.ini"
if ! grep -q "^geodock=true" "$ini" 2>/dev/null; then
  cat >> "$ini" <<INI
[PythonPlugins]
geodock=true
[qgis]
checkVersion=false
showTips=false
INI
fi
# The demo profile's auth database is unlocked with a local password file (QGIS's headless way).
pwfile="$profiles/auth-master-password"
[[ -f $pwfile ]] || { head -c 18 /dev/urandom | base64 > "$pwfile"; chmod 600 "$pwfile"; }
export QGIS_AUTH_PASSWORD_FILE="$pwfile"

rm -f build/servers.json
.venv-servers/bin/python tests/servers/launch.py serve --out build/servers.json &
servers_pid=$!
xvfb_pid=""
qgis_pid=""
cleanup() {
  [[ -n $qgis_pid ]] && kill "$qgis_pid" 2>/dev/null || true
  kill "$servers_pid" 2>/dev/null || true
  [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 240); do
  [[ -f build/servers.json ]] && break
  kill -0 "$servers_pid" 2>/dev/null || { echo "run: the servers failed to start" >&2; exit 1; }
  sleep 0.5
done
[[ -f build/servers.json ]] || { echo "run: the servers did not start in time" >&2; exit 1; }

echo "run: importing the demo connections into $profile"
# The local servers' self-signed CA is trusted by an explicit choice (an import never trusts one by itself).
QT_QPA_PLATFORM=offscreen QGIS_CUSTOM_CONFIG_PATH="$profiles" qgis_process.bin run geodock:importconnections \
  --INPUT="$root/build/servers.json" --TRUST_CERTIFICATES=true 2>&1 | grep -E "COUNT|TRUSTED|Imported|Trusted|rror" || true

if [[ -z ${DISPLAY:-} ]]; then
  disp=$((100 + RANDOM % 800))
  Xvfb ":$disp" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":$disp"
  sleep 1
  headless=1
else
  headless=0
fi
env -u QT_QPA_PLATFORM qgis --profiles-path "$profiles" --profile default --nologo --noversioncheck >"$root/build/qgis-run.log" 2>&1 &
qgis_pid=$!
if ((headless)); then
  sleep "${SCREENSHOT_AFTER:-25}"
  import -window root "$root/build/qgis-run.png" && echo "run: screenshot at $root/build/qgis-run.png"
fi
if [[ -n ${RUN_SECONDS:-} ]]; then
  sleep "$RUN_SECONDS"
else
  wait "$qgis_pid" || true
fi
