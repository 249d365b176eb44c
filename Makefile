# The two commands of the README, plus the checks they are built from.
.PHONY: demo test tools lint release docs bench fuzz

demo:
	./scripts/demo.sh

tools:
	./scripts/install-test-tools.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings
	python3 scripts/check-module-cycles.py src plugin/src fake/src signer/src

test: tools lint
	cargo test --locked

release:
	./scripts/package-release.sh

docs:
	cargo run --quiet --bin gen-docs

bench:
	python3 bench/bench.py

FUZZ_SECONDS ?= 120
fuzz:
	cd fuzz && for target in response_decoder msgpack_value throttle_headers; do \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run -s none $$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done
