# The two commands of the README, plus the checks they are built from.
.PHONY: demo test tools lint cross release docs bench bench-ab fuzz

demo:
	./scripts/demo.sh

tools:
	./scripts/install-test-tools.sh

# Every shell script: checked by shellcheck, and for constructs the bash
# 3.2 of a stock Mac lacks (make release runs there).
SHELL_SCRIPTS = .ci/run $(wildcard scripts/*.sh)

# The crates made for crates.io (the others say `publish = false`): `make
# lint` packages each, building it from its package alone, and documents it.
PUBLISHED = dli-signer dli-client tfplugin-derive tfplugin

# The fuzz targets are outside the workspace (only cargo-fuzz builds them
# for real): built plainly here, so that an API change cannot break them
# unnoticed.
lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings
	cargo clippy --locked -p dli-client --features fuzzing -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps $(PUBLISHED:%=-p %)
	cargo package --locked --allow-dirty --target-dir target/package-check $(PUBLISHED:%=-p %)
	cargo build --locked --manifest-path fuzz/Cargo.toml --target-dir target/fuzz
	shellcheck -S warning $(SHELL_SCRIPTS)
	python3 scripts/check-bash3.py $(SHELL_SCRIPTS)
	python3 scripts/check-module-cycles.py src client/src plugin/src plugin/derive/src fake/src signer/src
	python3 scripts/check-rust-version.py . client plugin plugin/derive fake signer

# The cross-built release binaries the tests run and pack: linux_arm64
# (run under qemu), windows_amd64 (run under wine), darwin_arm64 (inspected:
# nothing runs Mach-O here; `make release` builds and inspects darwin_amd64
# too, as CI's time allows no third cold std build). SKIP_CROSS=1 (off
# Debian bookworm amd64) skips them and their tests, and the test run ends
# by saying so.
CROSS_PLATFORMS = linux_arm64 windows_amd64 darwin_arm64
cross: tools
	@if [ "$(SKIP_CROSS)" = 1 ]; then echo "SKIP_CROSS=1: not building $(CROSS_PLATFORMS)"; \
	else ./scripts/build-release.sh $(CROSS_PLATFORMS); fi

# The line naming what was skipped by request is printed whether the tests
# pass or fail.
# The demo's test runs scripts/demo.sh with the fake's binary, which
# cargo test alone does not build (only the fake's library is a test
# dependency).
test: tools lint cross
	cargo build --locked -p dli-fake --bin dli-fake
	@status=0; cargo test --locked || status=$$?; \
	skipped=""; \
	if [ "$(SKIP_CROSS)" = 1 ]; then skipped="the builds of $(CROSS_PLATFORMS), their tests (qemu, wine, Mach-O inspection) and their registry packages (SKIP_CROSS=1)"; fi; \
	if [ "$(SKIP_AMD64_BINARIES)" = 1 ]; then skipped="$${skipped:+$$skipped; }Terraform 1.0.3 and the tests that chain into hashicorp/null (SKIP_AMD64_BINARIES=1)"; fi; \
	if [ -n "$$skipped" ]; then echo "skipped by request: $$skipped"; fi; \
	exit $$status

# Packs every platform of RELEASE_TARGETS, then inspects the darwin
# binaries among them as `make test` inspects darwin_arm64.
release:
	./scripts/install-test-tools.sh --release
	./scripts/package-release.sh
	@darwin=$$(for p in $${RELEASE_TARGETS:-$$(scripts/build-release.sh --host-targets)}; do \
	  case $$p in darwin_*) printf '%s ' $$p ;; esac; done); \
	if [ -n "$$darwin" ] && [ "$$(uname -s)" = Linux ]; then \
	  DARWIN_PLATFORMS="$$darwin" cargo test --locked --test e2e_darwin; fi

docs:
	cargo run --quiet --bin gen-docs

bench:
	python3 bench/bench.py

# AB_REV=<rev>: the bench's figures, alternating runs against that build.
bench-ab:
	AB_REV=$(AB_REV) python3 bench/ab.py

FUZZ_SECONDS ?= 120
fuzz:
	cd fuzz && for target in response_decoder msgpack_value throttle_headers; do \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run -s none $$target -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done
