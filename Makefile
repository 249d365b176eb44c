# The two commands of the README, plus the checks they are built from.
.PHONY: demo test tools lint release docs bench

demo:
	./scripts/demo.sh

tools:
	./scripts/install-test-tools.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --locked --all-targets -- -D warnings

test: tools lint
	cargo test --locked

release:
	./scripts/package-release.sh

docs:
	cargo run --quiet --bin gen-docs

bench:
	python3 bench/bench.py
