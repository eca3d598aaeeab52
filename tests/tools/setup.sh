#!/usr/bin/env bash
# Install everything Geodock's tests, servers and `make run` need; idempotent and quick when done.
#   tests/tools/setup.sh            apt packages + the four venvs
# apt: QGIS 3.22 (Debian bookworm) and friends. Venvs: .venv (QGIS's Python, tests and linters),
# .venv-servers (local platform servers and the official SDKs), .venv-wraptile, .venv-pygeoapi.
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(qgis python3-qgis qgis-providers qgis-server python3-pyqt5.qtwebsockets gdal-bin
              python3-venv python3-pip xvfb imagemagick curl openssl zip unzip sqlite3 libsqlite3-mod-spatialite
              pyqt5-dev-tools qttools5-dev-tools)  # pylupdate5, lrelease: make translations

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# make_venv DIR REQUIREMENTS SYSTEM_SITE [EXTRA_PIP_ARGS...]: (re)build DIR when REQUIREMENTS changed.
make_venv() {
  local dir=$1 req=$2 site=$3; shift 3
  local stamp="$dir/.geodock-stamp" want
  want=$(sha256sum "$req" | cut -c1-16)
  [[ -f $stamp && $(cat "$stamp") == "$want" ]] && return 0
  echo "setup: building $dir from $req"
  rm -rf "$dir"
  if [[ $site == yes ]]; then /usr/bin/python3 -m venv --system-site-packages "$dir"; else /usr/bin/python3 -m venv "$dir"; fi
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
  (($#)) && "$dir/bin/pip" install -q --disable-pip-version-check "$@"
  echo "$want" > "$stamp"
}

make_venv .venv tests/requirements.txt yes
# amigocloud's websocket dependencies don't build on Python 3.11: the SDK itself goes in without them.
make_venv .venv-servers tests/servers/requirements.txt yes --no-deps amigocloud==1.2.5
make_venv .venv-wraptile tests/servers/requirements-wraptile.txt no
make_venv .venv-pygeoapi tests/servers/requirements-pygeoapi.txt no
