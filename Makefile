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
# Installed packages come with their bytecode: where PYTHONDONTWRITEBYTECODE is set (as on
# these machines), every process would otherwise compile SQLAlchemy & co. again (2.2 s per
# start of the CLI instead of 0.85 s).
export UV_COMPILE_BYTECODE := 1
RUNTIME := $(VENV)/.installed-runtime
DEV     := $(VENV)/.installed-dev

.PHONY: run xcb-libs test lint unit smoke smoke-breaks bundle fuzz bench stress mutate screenshot clean-env clean-bundle

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

# The Qt xcb plugin's X libraries that a system may lack (a fresh Debian 12 lacks two), fetched
# from Debian's packages without root into build/xcb-libs (packaging/xcb_libs.py) and put on the
# library path of the app; where they cannot be fetched, the system's own are used.
WITH_XCB_LIBS = LD_LIBRARY_PATH=$(abspath $(XCB_LIBS))$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}
xcb-libs:
	@$(MAKE) --no-print-directory -s $(XCB_LIBS)/.fetched \
		|| echo "make: could not fetch the X libraries; the system's own are used"

run: $(RUNTIME) xcb-libs
	$(WITH_XCB_LIBS) $(PY) -m annotator $(ARGS)

PACKAGING_SCRIPTS := $(wildcard packaging/*.py) resources/render_icon.py

lint: $(DEV)
	$(PY) -m ruff check annotator tests benchmarks packaging resources
	$(PY) -m ruff format --check annotator tests benchmarks packaging resources
	$(PY) -m mypy
	$(PY) -m mypy $(PACKAGING_SCRIPTS)
	$(VENV)/bin/lint-imports

# One throwaway PostgreSQL cluster for the whole run (tests/pgcluster.py): the suites that run
# on both backends create one database per test on it.
WITH_PG := $(PY) -m tests.pgcluster

unit: $(DEV)
	$(PY) -m compileall -q annotator tests
	$(TEST_ENV) $(WITH_PG) $(PY) -m pytest -q -n auto

# Lint and the bundle's build run side by side (mypy and PyInstaller use one core each), then
# the suite on every core, then the smoke test of the bundle.
test:
	@$(MAKE) --no-print-directory -j2 lint bundle
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory smoke

# The one-folder app, dist/annotator/ (packaging/README.md). PyInstaller runs in its own venv,
# which holds the locked runtime set and PyInstaller (at its locked version) and no dev tool,
# so nothing but the runtime set can end up in the bundle. Rebuilt only when an input changed.
BUNDLE_VENV := build/bundle-venv
BUNDLE_PY   := $(BUNDLE_VENV)/bin/python
BUNDLE      := dist/annotator/annotator
XCB_LIBS    := build/xcb-libs
BUNDLE_INPUTS := $(shell find annotator seeds -type f -not -name '*.pyc' 2>/dev/null)

$(BUNDLE_VENV)/.installed: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(BUNDLE_VENV) $(UV) sync --quiet --locked --no-install-project --python $(PYTHON)
	$(UV) export --quiet --locked --extra dev --no-hashes --no-emit-project -o build/locked-dev.txt
	$(UV) pip install --quiet --python $(BUNDLE_PY) -c build/locked-dev.txt pyinstaller
	touch $@

# The Qt xcb plugin's X libraries that a fresh machine may lack, from Debian's packages.
$(XCB_LIBS)/.fetched: packaging/xcb_libs.py
	$(PYTHON) packaging/xcb_libs.py $(XCB_LIBS)
	touch $@

$(BUNDLE): $(BUNDLE_VENV)/.installed $(XCB_LIBS)/.fetched packaging/annotator.spec packaging/launch.py $(BUNDLE_INPUTS)
	@echo "PyInstaller: building dist/annotator (log: build/pyinstaller.log)"
	@$(BUNDLE_PY) -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller \
		packaging/annotator.spec > build/pyinstaller.log 2>&1 \
		|| { tail -n 30 build/pyinstaller.log; exit 1; }
	@touch $@

bundle: $(BUNDLE)

# Runs the frozen app: GUI offscreen, CLI import/export/agreement, a refused file, clean stderr.
smoke: bundle
	$(BUNDLE_PY) packaging/smoke_test.py dist/annotator

# Damages copies of the bundle in eight ways and checks that the smoke test notices each (~1 min).
smoke-breaks: bundle
	$(BUNDLE_PY) packaging/smoke_breaks.py dist/annotator

# SIGKILL at random moments (60 trials) and the multi-process tests, repeated
stress: $(DEV)
	ANNOTATOR_KILL_TRIALS=60 ANNOTATOR_SERVER_RACE=8x1000x200 $(TEST_ENV) $(WITH_PG) $(PY) -m pytest -q -s \
		tests/unit/test_crash_kill.py tests/unit/test_concurrency.py tests/unit/test_server_writes.py

# The reader fuzz tests with at least 10,000 generated inputs per reader
# (make test runs the same tests with a small, derandomized profile).
fuzz: $(DEV)
	HYPOTHESIS_PROFILE=fuzz $(TEST_ENV) $(PY) -m pytest -q -p no:cacheprovider \
		--hypothesis-show-statistics tests/unit/test_fuzz_readers.py

# Mutation testing of the write path (core/validate.py, core/cascade.py, services/write/) with
# mutmut, configured in pyproject.toml; not part of make test. One worker, from scratch each time
# (mutants/ is mutmut's copy of the project), then the score per module and every mutant not
# killed: it fails if one is not explained in docs/mutation-testing.md.
MUTATE_WORKERS ?= 1
mutate: $(DEV)
	rm -rf mutants && mkdir -p build
	$(TEST_ENV) $(WITH_PG) $(VENV)/bin/mutmut run --max-children $(MUTATE_WORKERS) > build/mutmut.log 2>&1 \
		|| { tail -n 30 build/mutmut.log; exit 1; }
	$(PY) tests/mutation_score.py $(VENV)/bin/mutmut

bench: $(DEV)
	$(TEST_ENV) $(PY) benchmarks/run_all.py

# Screenshots in a real X window; xvfb-run comes from Debian's xvfb package.
XVFB := $(WITH_XCB_LIBS) xvfb-run -a -s "-screen 0 1400x900x24"
screenshot: $(DEV) xcb-libs
	@command -v xvfb-run >/dev/null || { echo "make screenshot needs Xvfb: apt-get install xvfb xauth"; exit 2; }
	$(XVFB) $(PY) -m annotator.tools.screenshot docs/screenshot.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --band docs/screenshot-band.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --sparse docs/screenshot-band-sparse.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --mixed docs/screenshot-mixed.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --search docs/screenshot-search.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --review docs/screenshot-review.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --review --boundary docs/screenshot-review-boundary.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --review --narrow docs/screenshot-review-narrow.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --agreement docs/screenshot-agreement.png
	$(XVFB) $(PY) -m annotator.tools.screenshot --progress docs/screenshot-progress.png
	$(XVFB) $(PY) -m annotator.tools.screenshot_help docs/screenshot-help.png
	$(XVFB) $(PY) -m tests.pgcluster $(PY) -m annotator.tools.screenshot_team docs/screenshot-team.png

clean-env:
	rm -rf $(VENV) $(TOOLS)

clean-bundle:
	rm -rf build dist
