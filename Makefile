# One command per check. `make run` and `make test` work on a fresh machine: the only thing
# they need is Python 3.11 with venv; every package comes from the lock file (uv.lock).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
TEST_ENV := QT_QPA_PLATFORM=offscreen

# uv installs the locked set (ADR 0016). It lives in its own small venv, so that syncing the
# project's venv never removes it.
UV_VERSION := 0.13.9
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
RUNTIME := $(VENV)/.installed-runtime
DEV     := $(VENV)/.installed-dev

.PHONY: run test lint unit fuzz bench stress screenshot clean-env

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# `make run` installs the runtime set only (what a user gets); `make test` adds the dev tools.
$(RUNTIME): pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --locked --inexact --python $(PYTHON)
	touch $@

$(DEV): pyproject.toml uv.lock | $(UV)
	$(UV) sync --quiet --locked --extra dev --python $(PYTHON)
	touch $@ $(RUNTIME)

run: $(RUNTIME)
	$(PY) -m annotator $(ARGS)

lint: $(DEV)
	$(PY) -m ruff check annotator tests benchmarks packaging
	$(PY) -m ruff format --check annotator tests benchmarks packaging
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

unit: $(DEV)
	$(TEST_ENV) $(PY) -m pytest -q -n auto

test: lint unit

# SIGKILL at random moments (60 trials) and the multi-process tests, repeated
stress: $(DEV)
	ANNOTATOR_KILL_TRIALS=60 $(TEST_ENV) $(PY) -m pytest -q -s \
		tests/unit/test_crash_kill.py tests/unit/test_concurrency.py

# The reader fuzz tests with at least 10,000 generated inputs per reader
# (make test runs the same tests with a small, derandomized profile).
fuzz: $(DEV)
	HYPOTHESIS_PROFILE=fuzz $(TEST_ENV) $(PY) -m pytest -q -p no:cacheprovider \
		--hypothesis-show-statistics tests/unit/test_fuzz_readers.py

bench: $(DEV)
	$(TEST_ENV) $(PY) benchmarks/run_all.py

# Screenshots in a real X window; xvfb-run comes from Debian's xvfb package.
XVFB := xvfb-run -a -s "-screen 0 1400x900x24"
screenshot: $(DEV)
	@command -v xvfb-run >/dev/null || { echo "make screenshot needs Xvfb: apt-get install xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0"; exit 2; }
	$(XVFB) $(PY) -m annotator.tools.screenshot docs/screenshot.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --band docs/screenshot-band.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --search docs/screenshot-search.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --review docs/screenshot-review.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --review --boundary docs/screenshot-review-boundary.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --agreement docs/screenshot-agreement.png

clean-env:
	rm -rf $(VENV) $(TOOLS)
