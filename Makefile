# make solve: set up, then write the answer key of problems/exam1.yaml under output/
# make test:  set up, then run every test
# make bench: set up, then print the speed figures
# make examples: set up, then rewrite examples/ (the seeds' worked examples, Markdown and PDF)
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup solve test bench examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
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
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/train.py
	$(PY) bench/graph.py
	$(PY) bench/variants.py

examples: $(STAMP)
	$(PY) examples/build.py

clean:
	rm -rf $(VENV) output/*.md output/*.tex output/*.json output/*.pdf output/*.png
