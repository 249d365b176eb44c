#!/usr/bin/env python3
"""Writes link stubs of the Apple frameworks the darwin binaries use, for
zig to link against on a machine without Apple's SDK, and prints the folder
to pass to the linker as -F.

Each stub is a text-based dylib (.tbd, version 4) at the framework's real
install path, exporting only the symbols listed for it in
tests/fixtures/darwin/framework-symbols.txt: the public functions and
constants the provider binds, each checked against the exports of Apple's
published SDK for the oldest macOS supported (the list's header says which).
A symbol missing from the list fails the link, and tests/e2e_darwin.rs fails
on a bound symbol the list lacks: the list stays exactly what is used.

Usage: scripts/darwin-stubs.py OUT_DIR
"""
import os
import sys

LIST = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "darwin",
                    "framework-symbols.txt")
TARGETS = "[ x86_64-macos, arm64-macos ]"


def read_list(path):
    """{install path: [symbol, ...]} from the list: a line naming an install
    path starts a framework, indented lines are its symbols, # comments."""
    frameworks = {}
    current = None
    with open(path, encoding="utf-8") as listed:
        for line in listed:
            text = line.split("#", 1)[0].rstrip()
            if not text:
                continue
            if not text[0].isspace():
                current = frameworks.setdefault(text, [])
            elif current is None:
                sys.exit(f"{path}: a symbol before any framework: {text.strip()}")
            else:
                current.append(text.strip())
    return frameworks


def stub(install_name, symbols):
    quoted = ", ".join(symbols)
    return (
        "--- !tapi-tbd\n"
        "tbd-version:     4\n"
        f"targets:         {TARGETS}\n"
        f"install-name:    '{install_name}'\n"
        "current-version: 1\n"
        "exports:\n"
        f"  - targets:         {TARGETS}\n"
        f"    symbols:         [ {quoted} ]\n"
        "...\n"
    )


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = os.path.abspath(sys.argv[1])
    for install_name, symbols in read_list(LIST).items():
        # /System/Library/Frameworks/X.framework/Versions/A/X -> X.framework/X.tbd
        name = os.path.basename(install_name)
        folder = os.path.join(out, f"{name}.framework")
        os.makedirs(folder, exist_ok=True)
        text = stub(install_name, symbols)
        target = os.path.join(folder, f"{name}.tbd")
        # Unchanged stubs keep their time stamps: no needless relink.
        if not os.path.exists(target) or open(target, encoding="utf-8").read() != text:
            with open(target, "w", encoding="utf-8") as written:
                written.write(text)
    print(out)


if __name__ == "__main__":
    main()
