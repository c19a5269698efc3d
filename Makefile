# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (Debian packages), configure and build in build/, then run.
BUILD ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
# ctest runs twice as many tests as cores: the netns runs mostly wait in real time (two at most at
# once, tests/ctest-resources.json), the simulator runs compute beside them.
TEST_JOBS ?= $(shell echo $$(( 2 * $$(nproc) )))

.PHONY: all deps configure build demo test test-sanitize bench regress reference clean

all: build

deps:
	@bash cmake/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The default scenario with every policy on the default backend, side by side: connections rebuilt,
# rebuild latency and time to rebalance (the in-kernel PM's bug and its fix), and the plots' paths.
# A build without a backend validates the scenario files instead.
demo: build
	@if [ "$$($(BUILD)/mprecover backends)" = "this build has no backend" ]; then \
	  echo "This build has no backend yet: validating every scenario file instead of running one."; \
	  $(BUILD)/mprecover validate scenarios/*.yaml; \
	else \
	  $(BUILD)/mprecover compare scenarios/wan-reset.yaml --out results/demo \
	    --backends "$$($(BUILD)/mprecover backends | head -n 1 | cut -f 1)"; \
	fi

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(TEST_JOBS)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer, in build-sanitize/.
test-sanitize:
	$(MAKE) test BUILD=build-sanitize BUILD_TYPE=Debug CMAKE_FLAGS="-DMPRECOVER_SANITIZE=ON $(CMAKE_FLAGS)"

# Performance targets live in benchmarks, not in timed unit tests: runs them all and writes
# results/bench/report.md (the netns benchmark only as root).
bench: build
	/usr/bin/python3 bench/report.py --build $(BUILD) --out results/bench/report.md

# The whole regression gate: every shipped scenario and policy on both backends against the
# baseline (the netns part needs root and plays in real time, about 25 minutes). `make test` runs
# the sim part.
regress: build
	$(BUILD)/mprecover check --baseline results/baseline/comparison.json --out results/check

# Refreshes the reference report and the baseline on purpose (results/README.md): every shipped
# scenario, every policy, both backends (root; about 70 minutes).
reference: build
	rm -rf results/reference
	$(BUILD)/mprecover compare scenarios/*.yaml --out results/reference
	mkdir -p results/baseline && cp results/reference/comparison.json results/baseline/comparison.json

clean:
	rm -rf $(BUILD) build-sanitize
