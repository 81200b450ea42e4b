# One command per check. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TEST_ENV := QT_QPA_PLATFORM=offscreen

.PHONY: run test lint unit fuzz bench stress screenshot clean-env

# torch must be installed first: pinned to the local CPU build, otherwise
# camel-tools pulls several GB of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m annotator $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check annotator tests benchmarks
	$(PY) -m ruff format --check annotator tests benchmarks
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

unit: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -q

test: lint unit

# SIGKILL at random moments (60 trials) and the multi-process tests, repeated
stress: $(STAMP)
	ANNOTATOR_KILL_TRIALS=60 $(TEST_ENV) $(PY) -m pytest -q -s \
		tests/unit/test_crash_kill.py tests/unit/test_concurrency.py

# The reader fuzz tests with at least 10,000 generated inputs per reader
# (make test runs the same tests with a small, derandomized profile).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(TEST_ENV) $(PY) -m pytest -q -p no:cacheprovider \
		--hypothesis-show-statistics tests/unit/test_fuzz_readers.py

bench: $(STAMP)
	$(TEST_ENV) $(PY) benchmarks/run_all.py

screenshot: $(STAMP)
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m annotator.tools.screenshot docs/screenshot.png
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m annotator.tools.screenshot --band docs/screenshot-band.png
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m annotator.tools.screenshot --search docs/screenshot-search.png
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m annotator.tools.screenshot --review docs/screenshot-review.png
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m annotator.tools.screenshot --review --boundary docs/screenshot-review-boundary.png
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) -m annotator.tools.screenshot --agreement docs/screenshot-agreement.png

clean-env:
	rm -rf $(VENV)
