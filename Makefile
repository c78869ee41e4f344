# make solve: set up, then write the answer key of problems/exam1.yaml under output/
# make test:  set up, then run every test
# make bench: set up, then print the speed figures
# make examples: set up, then rewrite examples/ (the seeds' worked examples, Markdown and PDF)
VENV   ?= .venv
PYTHON ?= python3
# a pip constraints file for the install, e.g. the lowest declared versions:
#   make test VENV=.venv-lowest CONSTRAINTS=.ci/lowest.txt
CONSTRAINTS ?=
# extra pytest arguments, e.g. PYTEST_ARGS='-m "not packaging"'
PYTEST_ARGS ?=
# the suite on every core (pytest-xdist); each test file whole on one worker, so that its module
# fixtures (a built wheel, a running kernel) are built once. XDIST='' runs on one core.
XDIST ?= -n auto --dist loadfile
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup solve test bench examples clean

$(STAMP): pyproject.toml setup.py $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# the distribution was called `solve` before it became nn-solve: an old editable install goes
	$(PY) -m pip uninstall --quiet --yes solve 2>/dev/null || true
	$(PY) -m pip install --quiet -e '.[test]' $(if $(CONSTRAINTS),--constraint $(CONSTRAINTS))
	touch $(STAMP)

setup: $(STAMP)

solve: $(STAMP)
	$(VENV)/bin/solve problems/exam1.yaml --format markdown -o output/exam1.md
	$(VENV)/bin/solve problems/exam1.yaml --format latex -o output/exam1.tex
	$(VENV)/bin/solve problems/exam1.yaml --format json -o output/exam1.json
	@if command -v pdflatex >/dev/null 2>&1 || command -v xelatex >/dev/null 2>&1 || command -v lualatex >/dev/null 2>&1; then \
		$(VENV)/bin/solve problems/exam1.yaml --format pdf -o output/exam1.pdf; \
	else \
		echo "no LaTeX engine: skipped output/exam1.pdf (sudo apt-get install texlive-latex-base texlive-latex-recommended)"; \
	fi

test: $(STAMP)
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/startup.py
	$(PY) bench/run.py
	$(PY) bench/train.py --large
	$(PY) bench/optimizers.py
	$(PY) bench/perceptron.py
	$(PY) bench/graph.py
	$(PY) bench/render.py
	$(PY) bench/variants.py
	$(PY) bench/classbook.py
	$(PY) bench/reading.py

examples: $(STAMP)
	$(PY) examples/build.py

clean:
	rm -rf $(VENV) build dist *.egg-info output/*.md output/*.tex output/*.json output/*.pdf output/*.png output/*.svg
