#!/usr/bin/env python3
"""Checks that each crate's `rust-version` is no older than the language
features its sources use. clippy's `incompatible_msrv` lint checks the
standard library's APIs against `rust-version`; this checks the syntax it
cannot see: let chains (`if let … && …`, `&& let …`), stable since 1.88,
and edition 2024, since 1.85.

Usage: check-rust-version.py CRATE_DIR...
"""
import re
import sys
from pathlib import Path

# A condition of `if`/`while` that chains a `let` with `&&`, on one line or
# over several, up to the block's opening brace.
LET_CHAIN = re.compile(r"\b(?:if|while)\s+let\b[^{;]*?&&|&&\s*let\b", re.S)


# The workspace's manifest, whose `[workspace.package]` members inherit.
WORKSPACE_MANIFEST = Path(__file__).resolve().parent.parent / "Cargo.toml"


def version(text):
    return tuple(int(part) for part in text.split("."))


def main(dirs):
    failures = []
    for crate in map(Path, dirs):
        manifest = (crate / "Cargo.toml").read_text()
        declared = re.search(r'^rust-version\s*=\s*"([^"]+)"', manifest, re.M)
        if not declared:
            failures.append(f"{crate}/Cargo.toml declares no rust-version")
            continue
        needed, why = (1, 0), "nothing"
        if re.search(r'^edition\.workspace\s*=\s*true', manifest, re.M):
            # Inherited: the workspace's `[workspace.package]` declares it.
            manifest += "\n" + WORKSPACE_MANIFEST.read_text()
        if re.search(r'^edition\s*=\s*"2024"', manifest, re.M):
            needed, why = (1, 85), "edition 2024"
        sources = [
            source
            for part in ("src", "tests", "examples", "benches")
            for source in sorted((crate / part).rglob("*.rs"))
        ] + [source for source in [crate / "build.rs"] if source.exists()]
        for source in sources:
            match = LET_CHAIN.search(source.read_text())
            if match:
                line = source.read_text()[: match.start()].count("\n") + 1
                needed, why = (1, 88), f"a let chain ({source}:{line})"
                break
        if version(declared.group(1)) < needed:
            failures.append(
                f"{crate}: rust-version {declared.group(1)}, but it uses {why}, "
                f"which needs {'.'.join(map(str, needed))}"
            )
        else:
            print(f"{crate}: rust-version {declared.group(1)} (needs {why})")
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
