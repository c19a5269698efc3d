# The two commands of the README: `make demo` and `make test`. Both install what is missing
# (Debian packages), configure and build in build/, then run.
BUILD ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo test test-sanitize bench clean

all: build

deps:
	@bash cmake/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Runs the default scenario on the default backend; a build without a backend validates them all.
demo: build
	@if [ "$$($(BUILD)/mprecover backends)" = "this build has no backend" ]; then \
	  echo "This build has no backend yet: validating every scenario file instead of running one."; \
	  $(BUILD)/mprecover validate scenarios/*.yaml; \
	else \
	  $(BUILD)/mprecover run scenarios/wan-reset.yaml; \
	fi

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer, in build-sanitize/.
test-sanitize:
	$(MAKE) test BUILD=build-sanitize BUILD_TYPE=Debug CMAKE_FLAGS="-DMPRECOVER_SANITIZE=ON $(CMAKE_FLAGS)"

# Performance targets live in benchmarks, not in timed unit tests.
bench: build
	$(BUILD)/bench/engine_bench
	if [ -x $(BUILD)/bench/sim_model_cost ]; then $(BUILD)/bench/sim_model_cost; fi
	if $(BUILD)/mprecover backends | grep -q '^netns' && [ "$$(id -u)" = 0 ]; then \
	  /usr/bin/python3 bench/netns_rebuild.py --bin $(BUILD)/mprecover; \
	else echo "netns rebuild bench skipped: needs the netns backend and root"; fi

clean:
	rm -rf $(BUILD) build-sanitize
