# The two commands of the README, plus the checks they are built from.
.PHONY: demo test tools lint arm64 release docs bench fuzz

demo:
	./scripts/demo.sh

tools:
	./scripts/install-test-tools.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings
	python3 scripts/check-module-cycles.py src plugin/src fake/src signer/src

# The linux_arm64 release binary, which the tests run under qemu and pack.
arm64: tools
	./scripts/build-release.sh linux_arm64

test: tools lint arm64
	cargo test --locked

release:
	./scripts/install-test-tools.sh --release
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
