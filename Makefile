# Two commands for a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run   - set up, load the national reference data and the demo office, serve on SQLite
#   make test  - install everything the tests need (OS packages when root) and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
OS_PACKAGES := poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
	libharfbuzz-subset0 fontconfig libthai0 libthai-data postgresql redis-server \
	libreoffice-writer-nogui libreoffice-calc-nogui gettext qpdf

# The Nu HTML checker for tests/test_html_validity.py, pinned, from npm into tests/.node.
VNU_VERSION := 26.9.27
VNU_JAR := tests/.node/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test venv os-deps vnu migrate reference demo lint fmt check test-only bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev,rq]'
	touch $@

venv: $(VENV)/.installed

os-deps:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		missing=""; for p in $(OS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		command -v npm >/dev/null || missing="$$missing npm"; \
		command -v java >/dev/null || missing="$$missing default-jre-headless"; \
		if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
		case " $$missing " in *" redis-server "*) \
			systemctl disable --now redis-server >/dev/null 2>&1 || true;; esac; \
	else echo "not root: make sure these packages are installed: $(OS_PACKAGES), and npm and java"; fi

migrate: venv
	DEBUG=1 $(PY) manage.py migrate --noinput

reference: migrate
	DEBUG=1 $(PY) manage.py load_reference

demo: reference
	DEBUG=1 $(PY) manage.py load_demo

run: demo
	@echo "Log in with a demo user printed above; HOST=... PORT=... change the address."
	DEBUG=1 $(PY) manage.py serve $(HOST):$(PORT)

$(VNU_JAR):
	npm install --prefix tests/.node --no-audit --no-fund --ignore-scripts vnu-jar@$(VNU_VERSION)
	test -s $@

vnu: $(VNU_JAR)

test: os-deps venv vnu test-only

test-only:
	DEBUG=1 $(PY) -m pytest -m "browser or not browser" $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: venv
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=ci-check-only-$$(date +%s)-not-a-real-key-0123456789abcdef ALLOWED_HOSTS=plan.example.go.th \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: venv
	DEBUG=1 $(PY) bench/run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache tests/.node
