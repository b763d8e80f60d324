# A thin wrapper over CMake presets. `make demo` and `make test` each install
# what is missing first, so on a fresh Debian 12 machine either one alone sets
# everything up.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
NORMCHECK := build/release/cli/normcheck

.PHONY: deps release debug asan fuzz-build fuzz fuzz-smoke demo test asan-test golden format clean bench bench-deps

deps:
	@bash scripts/install-deps.sh

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

debug: deps
	@cmake --preset debug >/dev/null
	@cmake --build --preset debug -j $(JOBS)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# libFuzzer (clang): each target runs FUZZ_SECONDS; any crash, leak, timeout
# or out-of-memory input fails (artifacts in build/fuzz/artifacts/). See docs/fuzzing.md.
FUZZ_SECONDS ?= 600

fuzz-build: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_frontend fuzz_pipeline

fuzz: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	@bash scripts/fuzz.sh 60

# The bundled asylum example: exit code 1 (conflicts found) is the expected outcome.
demo: release
	@$(NORMCHECK) check --at 2026-07-01 examples/asylum; rc=$$?; [ $$rc -le 1 ] || exit $$rc

test: release
	@ctest --preset release -j $(JOBS)

asan-test: asan
	@ctest --preset asan -j $(JOBS)

# Benchmarks (bench/README.md, results in bench/RESULTS.md): the full matrix
# N in 100..100000 norms, M in 10..1000 measures, medians of 5 runs; it takes
# hours on a small machine. BENCH_ARGS=--quick runs a small matrix in minutes.
# Never part of `make test`. Installs the z3 binary and python3-z3 if missing.
BENCH_ARGS ?=
bench-deps:
	@bash scripts/install-bench-deps.sh

bench: release bench-deps
	@python3 bench/run.py --bin $(NORMCHECK) --out build/bench $(BENCH_ARGS)

# Regenerate every golden file from the current build; review the diff.
golden: release
	@python3 tests/golden/run.py --bin $(NORMCHECK) --update

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	@rm -rf build
