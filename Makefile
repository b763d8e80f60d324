# A thin wrapper over CMake presets. `make demo` and `make test` each install
# what is missing first, so on a fresh Debian 12 machine either one alone sets
# everything up.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
NORMCHECK := build/release/cli/normcheck

.PHONY: deps release debug asan fuzz-build fuzz fuzz-smoke demo test asan-test golden format clean

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

# Regenerate every golden file from the current build; review the diff.
golden: release
	@python3 tests/golden/run.py --bin $(NORMCHECK) --update

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	@rm -rf build
