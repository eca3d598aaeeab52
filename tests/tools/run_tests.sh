#!/usr/bin/env bash
# The test run behind `make test`: the SDK suite, then the plugin suite, then one summary line.
#   tests/tools/run_tests.sh [pytest args for the plugin suite...]
# Each run gets a QGIS profile folder of its own (.qgis-settings/run-<pid>), removed at the end, so two runs at
# once never share or delete each other's profile. The summary line is the last line printed:
#   summary: N passed, N failed, N skipped (sdk: N, plugin: N)
# A skipped test fails the run: nothing in this suite may skip itself into passing.
set -uo pipefail
cd "$(dirname "$0")/../.."
run_id="run-$$"
export PYTEST_XDIST_WORKER=$run_id QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
reports=$(mktemp -d -t geodock-tests.XXXXXX)
trap 'rm -rf ".qgis-settings/$run_id" "$reports"' EXIT

.venv-servers/bin/python -m pytest -p no:qgis tests/sdk -q --junitxml="$reports/sdk.xml"
sdk_status=$?
.venv/bin/python -m pytest -p pytest_qgis tests --ignore=tests/sdk -q --junitxml="$reports/plugin.xml" "$@"
plugin_status=$?
/usr/bin/python3 tests/tools/summary.py "$reports/sdk.xml" "$reports/plugin.xml"
summary_status=$?
((sdk_status == 0 && plugin_status == 0 && summary_status == 0))
