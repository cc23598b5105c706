# make install | demo | test | test-fast | bench   (see README)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
HEADLESS_SHELL := /usr/bin/chromium-headless-shell
REDIS := /usr/bin/redis-server
NGINX := /usr/sbin/nginx
NGINX_BROTLI := /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so

.PHONY: install demo test test-fast bench clean

install: $(STAMP) $(CHROMIUM) $(HEADLESS_SHELL) $(REDIS) $(NGINX) $(NGINX_BROTLI)

$(VENV)/bin/python:
	python3 -m venv $(VENV)

# Reinstalls only when a requirements file changed.
$(STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(CHROMIUM):
	@if [ "$$(id -u)" != 0 ]; then \
		echo "Chromium is missing: run 'sudo apt-get install -y chromium' (needs root), or set NEWS_CHROMIUM_PATH"; exit 1; \
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# The same Chromium built for headless pages only: what renders use when it is there (README
# "Rendering, measured"); without it they use the full browser above.
$(HEADLESS_SHELL):
	@if [ "$$(id -u)" != 0 ]; then \
		echo "chromium-headless-shell is missing: run 'sudo apt-get install -y chromium-headless-shell' (needs root)"; exit 1; \
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null

# Redis serves the distributed mode (and its tests); the crawler itself never needs it.
$(REDIS):
	@if [ "$$(id -u)" != 0 ]; then \
		echo "redis-server is missing: run 'sudo apt-get install -y redis-server' (needs root)"; exit 1; \
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null

# nginx fronts the replica in the tests, the demo and the benchmarks, as real sites answer: gzip and
# brotli, chunked, keep-alive (replica/front.py); the crawler itself never needs it.
$(NGINX) $(NGINX_BROTLI):
	@if [ "$$(id -u)" != 0 ]; then \
		echo "nginx is missing: run 'sudo apt-get install -y nginx libnginx-mod-http-brotli-filter' (needs root)"; exit 1; \
	fi
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-filter >/dev/null

demo: install
	$(PY) demo.py

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow"

bench: install
	$(PY) bench/run.py

clean:
	rm -rf build dist *.egg-info .pytest_cache
