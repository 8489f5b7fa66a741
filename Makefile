# Một Cửa Desk — the two commands a newcomer needs are `make run` and `make test`.
# Both run as root on a fresh Debian bookworm machine; `make setup` is their shared first half.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.motcua-setup
APT_PACKAGES := \
	tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd \
	libsane1 libsane-dev sane-utils \
	postgresql \
	fonts-noto-core fonts-dejavu-core fontconfig poppler-utils qpdf mupdf-tools unpaper \
	libgl1 libegl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 \
	libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libcups2 xvfb xauth \
	python3-venv python3-dev gcc binutils \
	chromium

.PHONY: setup system-packages run test lint typecheck contracts pytest dist clean screenshots

setup: system-packages $(STAMP)

# apt-get only when something is missing, so a second `make setup` takes a second.
system-packages:
	@missing=$$(dpkg-query -W -f='$${Package} $${Status}\n' $(APT_PACKAGES) 2>/dev/null \
	    | awk '$$NF!="installed"{print $$1}'; \
	    for p in $(APT_PACKAGES); do dpkg-query -W $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages: $$(echo $$missing | tr '\n' ' ')"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "Debian packages: all present"; fi

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: setup
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY$$QT_QPA_PLATFORM" ]; then \
	    echo "No display found. To see the desk, run one of:"; \
	    echo "  xvfb-run -a $(PY) -m app --demo        # under a virtual X server"; \
	    echo "  QT_QPA_PLATFORM=offscreen $(PY) -m app --demo --smoke --screenshot desk.png"; \
	    echo "Starting offscreen now and saving a screenshot to desk.png ..."; \
	    QT_QPA_PLATFORM=offscreen $(PY) -m app --demo --smoke --screenshot desk.png; \
	else $(PY) -m app --demo; fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

contracts: setup
	$(VENV)/bin/lint-imports

# The whole suite, including the tests of the frozen PyInstaller bundle (built by `dist`).
pytest: setup dist
	QT_QPA_PLATFORM=offscreen MOTCUA_FROZEN=$(CURDIR)/dist/motcua/motcua $(PY) -m pytest

test: setup lint typecheck contracts pytest

screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m app --demo --screenshots docs/screenshots

dist: setup
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec
	@du -sh dist/motcua

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
