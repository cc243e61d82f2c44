# Reset Lab: `make start` to learn, `make test` to check everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FIRST  := notebooks/01-start-here.ipynb
# The runtime pins, plus the test tools where they exist (the learner edition has only the runtime list).
REQUIREMENTS := $(firstword $(wildcard requirements/test.txt) requirements/runtime.txt)
# JupyterLab refuses to run as root without --allow-root; with no display, print the URL instead of opening a browser.
LABFLAGS := $(if $(DISPLAY),,--no-browser) $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: start check-data clean

$(STAMP): requirements/runtime.txt $(REQUIREMENTS) pyproject.toml config/lab-overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . || \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp config/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

# LabApp.default_url, not ServerApp.default_url: JupyterLab sets its own default (/lab), which wins over the server's.
start: $(STAMP)
	@$(if $(DISPLAY),,echo "No display here: open the http://127.0.0.1:.../lab/tree/$(FIRST)?token=... address JupyterLab prints below.")
	$(BIN)/jupyter lab $(LABFLAGS) --LabApp.default_url=/lab/tree/$(FIRST)

check-data: $(STAMP)
	$(BIN)/python -m resetlab check-data

clean:
	rm -rf $(VENV) .pytest_cache

# ---- maintainers only: the learner edition (make release) stops above this line.
.PHONY: test test-fast test-browser bench notebooks exercises environment release links site site-links
RELEASE ?= build/learner-edition
SITE ?= build/site
# The website's generator lives in a venv of its own, from requirements/site.txt (never in .venv, never for learners).
SITE_VENV  := .venv-site
SITE_STAMP := $(SITE_VENV)/.installed

$(SITE_STAMP): requirements/site.txt
	$(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/site.txt
	touch $@

# make test builds the website too (tests/test_site.py), so it needs the generator's venv.
test: $(STAMP) $(SITE_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser" tests src/resetlab

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser -p no:xdist tests

bench: $(STAMP) $(SITE_STAMP)
	@for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

notebooks: $(STAMP)
	$(BIN)/python -m resetlab execute notebooks/*.ipynb solutions/*.ipynb docs/instructors/marking.ipynb
	$(BIN)/python docs/instructors/make_answers.py

exercises: $(STAMP)
	$(BIN)/python -m resetlab make-exercises solutions exercises

# environment.yml (Binder) is generated from requirements/runtime.txt.
environment: $(STAMP)
	$(BIN)/python -m resetlab environment

# The learner edition: lessons, exercises, data and the package, no answers (docs/launch.md, Publishing).
release: $(STAMP)
	$(BIN)/python -m resetlab release $(RELEASE)

links: $(STAMP)
	$(BIN)/python -m resetlab links

# The course website, from the committed notebooks (nothing runs): open $(SITE)/index.html (docs/launch.md, Publishing the website).
site: $(STAMP) $(SITE_STAMP)
	$(BIN)/python -m resetlab site $(SITE) --python $(SITE_VENV)/bin/python

# The links in the website's prose that leave it, listed and never fetched (CI prints them).
site-links: site
	$(BIN)/python -m resetlab site-links $(SITE)
