# FSM Desktop. `make run` opens the program on demo data; `make test` runs the suite but for the
# tests marked slow (20,000-citizen projects, LibreOffice), which `make test-slow` runs.
# Both create .venv when it is missing and install the package (editable) with what it needs.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow lint bench deps screenshots dist dist-env icons installer-check clean

run: deps $(STAMP)
	$(BIN)/fsm-desktop --demo

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" --durations=20 $(PYTEST_ARGS)

test-slow: deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m slow --durations=10 $(PYTEST_ARGS)

# The conventions a tool checks (settings in pyproject.toml): lint and format, the layers'
# import contracts, the type checker.
lint: deps $(STAMP)
	$(BIN)/ruff check fsm_desktop tests bench
	$(BIN)/ruff format --check fsm_desktop tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

bench: deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

# Qt's system libraries on Debian/Ubuntu: installed with apt-get as root, otherwise the exact
# command is printed. Elsewhere nothing is checked.
deps:
	@sh packaging/debian-deps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Screenshots of the main window under Xvfb at the two sizes we check (needs xvfb, xauth).
screenshots: deps $(STAMP)
	@mkdir -p shots
	$(BIN)/fsm-desktop demo --db shots/demo.fsm --citizens 600 --seed 1 --force
	xvfb-run -a -s '-screen 0 1366x768x24' $(BIN)/fsm-desktop --db shots/demo.fsm --size 1366x768 --screenshot shots/main-1366x768.png
	xvfb-run -a -s '-screen 0 1920x1080x24' $(BIN)/fsm-desktop --db shots/demo.fsm --size 1920x1080 --screenshot shots/main-1920x1080.png

# The frozen program for people without Python: dist/fsm-desktop/ (PyInstaller, one folder, from
# packaging/fsm-desktop.spec), then a smoke test of the built executable (packaging/smoke_test.py)
# with the build time and the size. Built in its own environment, build/dist-venv, with the
# package installed as a user gets it (not editable) and PySide6-Essentials as the only Qt binding.
DIST_VENV := build/dist-venv

dist: deps dist-env
	env -u PYTHONPATH $(DIST_VENV)/bin/python packaging/build_dist.py

dist-env:
	@test -x $(DIST_VENV)/bin/python || $(PYTHON) -m venv $(DIST_VENV)
	env -u PYTHONPATH $(DIST_VENV)/bin/python -m pip install --quiet --upgrade pip
	env -u PYTHONPATH $(DIST_VENV)/bin/python -m pip install --quiet '.[dist]'

# The Windows installer's script compiled, installed and uninstalled under Wine, with Inno
# Setup's ISCC.exe (docs/install.md, "Checking the installer on Linux"):
#     make installer-check ISCC=path/to/ISCC.exe
installer-check: $(STAMP)
	$(BIN)/python packaging/check_installer.py --iscc "$(ISCC)"

# The program's icon in every size (resources/icons) from its SVG; committed, run after a change.
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/make_icons.py

clean:
	rm -rf $(VENV) build dist *.egg-info shots bench/.cache
