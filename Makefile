# The two commands of the README, plus the checks they are built from.
.PHONY: demo test tools lint arm64 release docs bench fuzz

demo:
	./scripts/demo.sh

tools:
	./scripts/install-test-tools.sh

# The fuzz targets are outside the workspace (only cargo-fuzz builds them
# for real): built plainly here, so that an API change cannot break them
# unnoticed.
lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings
	cargo clippy --locked -p dli-client --features fuzzing -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -p dli-client
	cargo build --locked --manifest-path fuzz/Cargo.toml --target-dir target/fuzz
	python3 scripts/check-module-cycles.py src client/src plugin/src plugin/derive/src fake/src signer/src
	python3 scripts/check-rust-version.py . client plugin plugin/derive fake signer

# The linux_arm64 release binary, which the tests run under qemu and pack.
# SKIP_ARM64=1 (off Debian bookworm amd64) skips it and its tests, and the
# test run ends by saying so.
arm64: tools
	@if [ "$(SKIP_ARM64)" = 1 ]; then echo "SKIP_ARM64=1: not building linux_arm64"; \
	else ./scripts/build-release.sh linux_arm64; fi

# The line naming what was skipped by request is printed whether the tests
# pass or fail.
test: tools lint arm64
	@status=0; cargo test --locked || status=$$?; \
	skipped=""; \
	if [ "$(SKIP_ARM64)" = 1 ]; then skipped="the linux_arm64 build, its qemu tests and the registry test's arm64 package (SKIP_ARM64=1)"; fi; \
	if [ "$(SKIP_AMD64_BINARIES)" = 1 ]; then skipped="$${skipped:+$$skipped; }Terraform 1.0.3 and the tests that chain into hashicorp/null (SKIP_AMD64_BINARIES=1)"; fi; \
	if [ -n "$$skipped" ]; then echo "skipped by request: $$skipped"; fi; \
	exit $$status

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
