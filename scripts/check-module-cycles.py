#!/usr/bin/env python3
"""Fails when a module of one of our crates imports a module that imports
it back, directly or through others.

An import is a `use` or a path (`crate::a::b`, `super::c`, or a child's
name in a `mod.rs`/`lib.rs`) outside `#[cfg(test)]`. It names the deepest
module the path reaches, so a re-export in a parent counts as the parent.
Declaring `mod child;` is not an import.

Usage: check-module-cycles.py SRC_DIR...
"""

import os
import re
import sys


def modules(src):
    """Module path (a tuple) -> file, for every .rs file under src."""
    found = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(root, name)
            parts = os.path.relpath(path, src)[:-3].split(os.sep)
            if parts[0] == "bin":
                continue  # binaries are crates of their own
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            found[tuple(parts)] = path
    return found


def without_tests(text):
    text = re.sub(r"//[^\n]*", "", text)
    cut = text.find("#[cfg(test)]")
    return text if cut < 0 else text[:cut]


def expand(tree):
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    tree = tree.strip()
    match = re.match(r"^(.*?)::\{(.*)\}$", tree, re.S)
    if not match:
        return [tree.split(" as ")[0].strip()]
    head, body = match.groups()
    items, depth, item = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            items.append(item)
            item = ""
            continue
        depth += (ch == "{") - (ch == "}")
        item += ch
    items.append(item)
    return [p for i in items if i.strip() for p in expand(f"{head}::{i.strip()}")]


def paths(text):
    found = []
    for use in re.finditer(r"\buse\s+([^;]+);", text):
        found += expand(use.group(1).replace("\n", " "))
    found += re.findall(r"\b((?:crate|super|self)(?:::\w+)+)", text)
    return found


def target(module, path, known, is_dir):
    steps = path.split("::")
    if steps[0] == "crate":
        base, steps = [], steps[1:]
    elif steps[0] in ("super", "self"):
        base = list(module)
        while steps and steps[0] in ("super", "self"):
            if steps[0] == "super":
                base = base[:-1]
            steps = steps[1:]
    elif is_dir and (*module, steps[0]) in known:
        base = list(module)
    else:
        return None  # another crate
    full = base + steps
    for n in range(len(full), -1, -1):
        if tuple(full[:n]) in known:
            return tuple(full[:n])
    return None


def cycles(src):
    known = modules(src)
    graph = {m: set() for m in known}
    for module, path in known.items():
        is_dir = path.endswith(("mod.rs", "lib.rs", "main.rs"))
        with open(path, encoding="utf-8") as f:
            text = without_tests(f.read())
        for p in paths(text):
            t = target(module, p, known, is_dir)
            # Everything may name the crate root's items.
            if t is not None and t != module and t != ():
                graph[module].add(t)
    # Tarjan's strongly connected components.
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append((component, graph))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def name(module):
    return "::".join(module) or "crate"


def main(dirs):
    failed = False
    for src in dirs:
        for component, graph in cycles(src):
            failed = True
            print(f"{src}: modules import each other:", file=sys.stderr)
            for m in sorted(component):
                back = sorted(name(t) for t in graph[m] if t in component)
                print(f"  {name(m)} imports {', '.join(back)}", file=sys.stderr)
    if failed:
        sys.exit(1)
    print(f"no module import cycles in {', '.join(dirs)}")


if __name__ == "__main__":
    main(sys.argv[1:])
