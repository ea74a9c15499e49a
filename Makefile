# Two commands on a fresh machine: `make run` (the app) and `make test` (everything CI checks).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The real COCO model on hand for development, used when present and nothing else is configured:
# the YOLO11n-seg TFLite export (masks; AGPL-3.0 weights, a development asset), else the
# boxes-only SSDLite state dict. Set SEGMENTER_WEIGHTS= (empty) to use torchvision's cache instead.
SHARED ?= ../shared
DEV_WEIGHTS := $(firstword $(wildcard $(SHARED)/models/yolo11n-seg_int8.tflite) \
	$(wildcard $(SHARED)/models/ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth))

.PHONY: run test lint system-deps venv clean bench test-postgres messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Debian packages the tests need, as command:package: a real Redis broker (`make run` starts its
# own), Chromium for the browser tests, nginx for the slow-client test (the production layout),
# Tesseract for the second text reader and PostgreSQL, whose server binaries the tests start
# throwaway clusters from (tests/pg.py; pg_ctlcluster marks Debian's server packages); GNU gettext's
# msgfmt compiles the interface's message catalogues (locale/); `ip` (iproute2) makes the scale-out
# test's network namespaces (tests/netns.py).
# Installed only as root with apt-get.
SYSTEM_DEPS := redis-server:redis-server chromium:chromium nginx:nginx tesseract:tesseract-ocr \
	pg_ctlcluster:postgresql msgfmt:gettext ip:iproute2
system-deps:
	@missing=""; for dep in $(SYSTEM_DEPS); do \
	  command -v $${dep%%:*} >/dev/null || missing="$$missing $${dep#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing from Debian"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Install$$missing (e.g. sudo apt-get install$$missing) to run the tests." >&2; exit 1; fi; \
	fi

# The interface's translations: locale/*/LC_MESSAGES/*.po compiled to .mo (not kept in git: built
# from the .po, the one home of each translation). Only what changed is recompiled.
# `make run` needs only gettext of the system packages: installed alone when missing.
messages: venv
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps SYSTEM_DEPS=msgfmt:gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var --ignore=test-artifacts >/dev/null

run: export SEGMENTER_WEIGHTS ?= $(DEV_WEIGHTS)
run: venv messages
	$(PY) manage.py runstack

lint: venv
	$(VENV)/bin/ruff check .

test: venv system-deps messages lint
	$(PY) -m pytest

# The end-to-end, search, reliability, security and ops suites again on a throwaway PostgreSQL
# (TEST_DATABASE=postgres: pytest-django's database and every test stack's live there): 5.5 min
# on the shared 2-core dev box (330 s measured), next to about 14 for `make test`. The browser suite drives
# the views the end-to-end one does and captioning/segmentation use no database: once, on SQLite.
PG_SUITES := tests/test_pg.py tests/webapp/test_end_to_end.py tests/webapp/search tests/webapp/security \
	tests/webapp/ops tests/webapp/reliability/test_faults.py tests/webapp/photos/test_plans_migration.py
test-postgres: venv system-deps messages
	TEST_DATABASE=postgres $(PY) -m pytest $(PG_SUITES)

clean:
	rm -rf $(VENV) var test-artifacts
