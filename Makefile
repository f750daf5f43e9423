# The two commands: `make demo` (the main job on the demo region) and `make test`.
# Both do all the set-up on a fresh Debian machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-out

.PHONY: demo test venv sysdeps sysdeps-test bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

sysdeps:
	bash scripts/install-sysdeps.sh

sysdeps-test:
	bash scripts/install-sysdeps.sh --test

demo: sysdeps venv
	bash scripts/demo.sh $(BIN)/yitu $(OUT)

test: sysdeps-test venv
	$(BIN)/python -m pytest -q

# about 15 minutes on 2 cores; the anchors that do not finish (spopt + CBC, the HiGHS LP) are stopped
# at 45 s and 60 s and reported as such
bench: venv
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/python benchmarks/routing.py --sizes demo,100k,1M
	$(BIN)/python benchmarks/network.py --tiles 4,16
	$(BIN)/python benchmarks/drill.py
	$(BIN)/python -m benchmarks.siting --spopt-cap 45
	$(BIN)/python -m benchmarks.shelters --lp-limit 60
	$(BIN)/python -m benchmarks.distances
	$(BIN)/python -m benchmarks.map_100k --no-browser
	$(BIN)/python -m benchmarks.lists_100k
	$(BIN)/python -m benchmarks.load
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf $(OUT) .pytest_cache
