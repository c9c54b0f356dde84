# implicit-bias: `make demo` (the main job) and `make test` (the suite) do all set-up themselves.
CARGO ?= cargo
SETUP := .ci/setup.sh

.PHONY: setup demo test test-fast long bench build clean

setup:
	@bash $(SETUP)

build: setup
	$(CARGO) build --release

demo: setup
	$(CARGO) run --release --quiet --bin ibias

test: setup
	$(CARGO) test --no-fail-fast

# Long-horizon checks (10^7..10^9 steps), behind #[ignore].
long: setup
	$(CARGO) test --release -- --ignored --nocapture

bench: setup
	$(CARGO) bench

clean:
	$(CARGO) clean
