# 山西自学考试信息服务平台 — set-up and everyday commands (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# Pango + HarfBuzz subsetting + a CJK font for WeasyPrint PDFs.
# espeak-ng speaks the audio captcha in Mandarin (its cmn voices); tesseract-ocr reads the number on
# the 身份证 photo (its English model covers digits and X).
DEBIAN_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei espeak-ng tesseract-ocr python3-venv
# fonts-ocr-b: the typeface of the number on generated ID-card test photos; zbar-tools: zbarimg reads
# the QR code back from the rendered 准考证.
DEBIAN_TEST := chromium poppler-utils fonts-ocr-b zbar-tools
# Two pytest workers: the suite is mostly waiting on the database and the browser.
PYTEST_ARGS ?= -n 2
# `make failover`: the load balancer in front of two app servers.
DEBIAN_FAILOVER := haproxy
MANAGE := DJANGO_SETTINGS_MODULE=zikao.settings.local $(PY) manage.py

.PHONY: run test bench bench-quick failover lint debian-run debian-test debian-failover

run: debian-run $(VENV)/.run-installed
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: debian-run debian-test $(VENV)/.test-installed
	@mkdir -p var
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: debian-run $(VENV)/.test-installed
	$(PY) scripts/bench.py $(BENCH_ARGS)

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

# Two gunicorn servers behind HAProxy, one killed with SIGKILL during a rush of transfer
# submits: prints what was lost (nothing, docs/deployment.md). Not part of `make test`.
failover: debian-run debian-failover $(VENV)/.test-installed
	$(PY) scripts/failover.py $(FAILOVER_ARGS)

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .

debian-run:
	@scripts/ensure-debian-packages.sh $(DEBIAN_RUN)

debian-test:
	@scripts/ensure-debian-packages.sh $(DEBIAN_TEST)

debian-failover:
	@scripts/ensure-debian-packages.sh $(DEBIAN_FAILOVER)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: requirements.lock | $(PY)
	$(PY) -m pip install -q -r requirements.lock
	@touch $@

$(VENV)/.test-installed: requirements-test.lock | $(PY)
	$(PY) -m pip install -q -r requirements-test.lock
	@touch $@ $(VENV)/.run-installed
