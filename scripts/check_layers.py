#!/usr/bin/env python3
"""Checks that every #include between modules of src/ points down the layer order written in
docs/architecture.md (issue 9 item 4), so that the layering stays true as code moves.

The order is read from the block that follows the marker line
    <!-- layers: highest first; checked by scripts/check_layers.py -->
in docs/architecture.md, one indented line per layer, "name: module module …"; a name ending in
"=" lets the modules of that layer include one another as long as they form no cycle (the pure
domain modules do). A module is a directory of src/; src/main.c is above everything.

Prints one TAP line per module (every include it makes allowed or not) and exits 1 on any
breach, naming the file, the line and the layers involved.
"""
import os
import re
import sys

MARK = "<!-- layers: highest first; checked by scripts/check_layers.py -->"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_layers(doc):
    """[(name, same_layer_allowed, [modules])] from highest to lowest."""
    lines = open(doc, encoding="utf-8").read().splitlines()
    try:
        start = lines.index(MARK) + 1
    except ValueError:
        sys.exit(f"check_layers: {doc} has no line {MARK!r}")
    layers = []
    for line in lines[start:]:
        m = re.match(r"^\s{4}([a-z]+)(=?):\s+(.+)$", line)
        if not m:
            break
        layers.append((m.group(1), m.group(2) == "=", m.group(3).split()))
    if not layers:
        sys.exit(f"check_layers: no layers listed after the marker in {doc}")
    return layers


def includes(src):
    """{module: [(file, line number, included module)]} for every module directory. A module
    may have sub-folders (store/sqlite/ belongs to store); an include is resolved against the
    including file's folder, so "../../core/buf.h" from src/store/sqlite/ is core."""
    out = {}
    root = os.path.abspath(src)
    for mod in sorted(os.listdir(src)):
        d = os.path.join(src, mod)
        if not os.path.isdir(d):
            continue
        found = out.setdefault(mod, [])
        for folder, _, names in sorted(os.walk(d)):
            for name in sorted(names):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for no, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = os.path.abspath(os.path.join(folder, m.group(1)))
                        rel = os.path.relpath(target, root)
                        if rel.startswith("..") or os.sep not in rel:
                            continue
                        other = rel.split(os.sep)[0]
                        if other != mod:
                            found.append((path, no, other))
    return out


def cycle(edges, nodes):
    """A cycle among nodes as a list, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(edges.get(n, ())):
            if m not in nodes:
                continue
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if not state.get(m):
                c = visit(m, path + [m])
                if c:
                    return c
        state[n] = 2
        return None

    for n in sorted(nodes):
        if not state.get(n):
            c = visit(n, [n])
            if c:
                return c
    return None


def main(doc, src):
    layers = read_layers(doc)
    level = {}
    for rank, (name, same, mods) in enumerate(reversed(layers)):
        for mod in mods:
            level[mod] = (rank, name, same)
    found = includes(src)
    failures = 0
    cases = []
    for mod, incs in found.items():
        problems = []
        if mod not in level:
            problems.append(f"src/{mod}/ is in no layer of {doc}")
        for path, no, dep in incs:
            if mod not in level:
                break
            if dep not in level:
                problems.append(f"{path}:{no}: includes {dep}/, which is in no layer")
                continue
            (ra, na, same), (rb, nb, _) = level[mod], level[dep]
            if rb > ra or (rb == ra and not same):
                problems.append(f"{path}:{no}: {mod}/ ({na}) includes {dep}/ ({nb}), "
                                f"which is {'above' if rb > ra else 'beside'} it")
        cases.append((mod, problems))
    for name, same, mods in layers:
        if not same:
            continue
        edges = {m: {d for _, _, d in found.get(m, ())} for m in mods}
        c = cycle(edges, set(mods))
        cases.append((f"layer {name} has no include cycle",
                      [" → ".join(c)] if c else []))
    print(f"1..{len(cases)}")
    for i, (what, problems) in enumerate(cases, 1):
        print(f"{'not ok' if problems else 'ok'} {i} - {what}")
        for p in problems:
            print(f"# {p}")
        failures += bool(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: check_layers.py docs/architecture.md src")
    sys.exit(main(sys.argv[1], sys.argv[2]))
