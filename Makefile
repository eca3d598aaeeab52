# Geodock -- the two set-up commands are `make run` and `make test` (see README.md).
PLUGIN_NAME = geodock
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
PY = .venv/bin/python
SERVERS_PY = .venv-servers/bin/python
export QT_QPA_PLATFORM ?= offscreen
# pytest-qgis keeps the test profile in .qgis-settings/$$PYTEST_XDIST_WORKER: one per run (make test: run-<pid>)
export PYTEST_XDIST_WORKER ?= make-$(shell echo $$PPID)
PYTEST_QGIS = $(PY) -m pytest -p pytest_qgis
LINT_PATHS = __init__.py plugin ui tests

.PHONY: deps test test-plugin test-sdk lint format zip run bench servers servers-stop clean

deps:  ## apt packages and the four venvs (idempotent)
	@tests/tools/setup.sh

test: deps  ## ruff, then the whole test suite offscreen (SDK fidelity tests, plugin tests), then a summary line
	.venv/bin/ruff check $(LINT_PATHS)
	.venv/bin/pylint --disable=all --enable=too-many-lines --max-module-lines=400 plugin ui
	tests/tools/run_tests.sh

test-plugin: deps
	rm -rf .qgis-settings/$(PYTEST_XDIST_WORKER)
	$(PYTEST_QGIS) tests --ignore=tests/sdk -q $(ARGS); status=$$?; rm -rf .qgis-settings/$(PYTEST_XDIST_WORKER); exit $$status

test-sdk: deps
	$(SERVERS_PY) -m pytest -p no:qgis tests/sdk -q $(ARGS)

lint: deps  ## ruff, flake8-qgis (QGIS's own rules) and mypy with qgis-stubs over plugin/
	.venv/bin/ruff check $(LINT_PATHS)
	.venv/bin/ruff format --check __init__.py plugin ui
	.venv/bin/pylint --disable=all --enable=too-many-lines --max-module-lines=400 plugin ui
	# QGS201/QGS202 are flake8-qgis's experimental guesses; QGS402 (QMetaType) would break QGIS 3.22, our minimum.
	.venv/bin/flake8 --select=QGS --extend-ignore=QGS201,QGS202,QGS402 --exclude=.venv*,build,dist,.qgis-settings,tests .
	.venv/bin/mypy plugin

format: deps
	.venv/bin/ruff check --fix $(LINT_PATHS)
	.venv/bin/ruff format __init__.py plugin ui

zip:  ## dist/geodock-<version>.zip for QGIS's "Install from ZIP": runtime files only
	@tests/tools/make_zip.sh $(PLUGIN_NAME) $(VERSION)

run: deps  ## QGIS with Geodock in a dedicated profile and the local demo servers (Xvfb + screenshot without DISPLAY)
	@tests/tools/run_qgis.sh

bench: deps  ## speed and memory measures, each beside its reference
	rm -rf .qgis-settings/$(PYTEST_XDIST_WORKER)
	$(PY) tests/bench/run.py $(ARGS)

servers: deps  ## start every local platform server, print them, write build/servers.json; stop with make servers-stop
	$(SERVERS_PY) tests/servers/launch.py serve

servers-stop:
	@/usr/bin/python3 tests/servers/launch.py stop

clean:
	rm -rf build dist .qgis-settings

LANGS = fr
.PHONY: translations
# The .ts keeps no line numbers (sed), so it changes only when a message does (tests/test_translations.py checks it).
translations:  ## i18n/geodock_<lang>.ts from every tr() in the code (pylupdate5), then the .qm QGIS loads (lrelease)
	@for lang in $(LANGS); do \
	  PYTHONWARNINGS=ignore pylupdate5 -noobsolete $$(find __init__.py plugin ui -name '*.py' | LC_ALL=C sort) -ts i18n/geodock_$$lang.ts && \
	  sed -i '/^ *<location /d' i18n/geodock_$$lang.ts && \
	  /usr/lib/qt5/bin/lrelease -silent i18n/geodock_$$lang.ts -qm i18n/geodock_$$lang.qm || exit 1; \
	done
