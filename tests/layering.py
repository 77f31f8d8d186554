#!/usr/bin/python3
"""The layering rules of herald's source tree, checked over #include lines.

Folders and their ranks (a folder may include its own headers, a folder of
a lower rank, and type headers from anywhere below the front ends):

    7  ui                   the console's shell: main loop, tabs, main()
    6  ui/<screen>          one folder per screen (lists, compose, ...)
    5  ui/kit, src/cli      widgets, dialogs, the child runner; the CLI
    4  src/send, src/feedback, src/web
    3  src/config           herald.conf: keys, defaults, validation
    3  src/sts              MTA-STS: records, policies, fetch (DNS, HTTPS)
    2  src/smtp, src/auth, src/mail, src/audience
    1  src/store
    0  src/base             no herald knowledge: includes nothing of herald

Also: nothing under src/ includes curses or a ui/ header; src/auth and
src/mail never include src/send or src/smtp; the console includes src/cli
only in ui/main.c (the program's entry, where the two front ends meet);
there are no include cycles between folders. A type header (types.h or
*_types.h) holds row and enum types only, so any layer may include it.

Prints one line per broken rule and exits 1 if any; prints nothing and
exits 0 when the tree keeps them. While src/ is still one flat folder (no
subfolders) only the curses and ui/ rules apply.

Usage: tests/layering.py [ROOT]   (ROOT: the tree to check; default this
repository; tests/setup/layering gives it small trees that break a rule)
"""
import os
import re
import sys

ROOT = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
RANK = {"base": 0, "store": 1, "smtp": 2, "auth": 2, "mail": 2,
        "audience": 2, "config": 3, "sts": 3, "send": 4, "feedback": 4,
        "web": 4, "cli": 5}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
CURSES = re.compile(r'^(n?curses|ncursesw/|panel|form|menu)')


def sources():
    for top in ("src", "ui"):
        for d, _, files in os.walk(os.path.join(ROOT, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), ROOT)


def folder(path):
    """'src/store/store.c' -> 'src/store'; 'ui/send/x.c' -> 'ui/send'."""
    return os.path.dirname(path)


def is_type_header(path):
    b = os.path.basename(path)
    return b == "types.h" or b.endswith("_types.h")


def resolve(src, name):
    for base in (os.path.dirname(src), "src", "ui", "."):
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(ROOT, p)):
            return p
    return None


def rank(fold):
    top, _, rest = fold.partition("/")
    if top == "ui":
        return 7 if not rest else 5 if rest == "kit" else 6
    return RANK.get(rest.split("/")[0]) if rest else None


def main():
    errors = []
    edges = {}
    layered = (any(os.path.isdir(os.path.join(ROOT, "src", d)) for d in RANK) or
               any(e.is_dir() for e in os.scandir(os.path.join(ROOT, "ui"))))
    for src in sources():
        with open(os.path.join(ROOT, src), encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                where = "%s:%d" % (src, lineno)
                if src.startswith("src/") and CURSES.match(name):
                    errors.append("%s: the core includes curses <%s>; only ui/ may" % (where, name))
                if kind == "<":
                    continue
                target = resolve(src, name)
                if target is None:
                    continue        # generated (build/) or a system header
                if src.startswith("src/") and target.startswith("ui/"):
                    errors.append("%s: the core includes %s from ui/" % (where, target))
                if not layered:
                    continue
                a, b = folder(src), folder(target)
                if a == b:
                    continue
                if is_type_header(target) and not b.startswith("ui"):
                    continue
                edges.setdefault(a, {}).setdefault(b, where)
                ra, rb = rank(a), rank(b)
                if ra is None or rb is None:
                    errors.append("%s: %s is not a known folder (see tests/layering.py)"
                                  % (where, a if ra is None else b))
                    continue
                if a == "src/base":
                    errors.append("%s: src/base includes %s; it must know nothing of herald" % (where, target))
                elif b == "src/cli" and src == "ui/main.c":
                    pass
                elif b == "src/cli" or (b.startswith("ui") and not a.startswith("ui")):
                    errors.append("%s: %s includes the front end %s" % (where, a, target))
                elif a in ("src/auth", "src/mail") and b in ("src/send", "src/smtp"):
                    errors.append("%s: %s includes %s (auth and mail sit below send and smtp)" % (where, a, target))
                elif rb > ra:
                    errors.append("%s: %s (rank %d) includes %s (rank %d): dependencies run down" % (where, a, ra, target, rb))
    errors += cycles(edges)
    for e in errors:
        print("layering: " + e)
    return 1 if errors else 0


def cycles(edges):
    """Strongly connected components of more than one folder (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                ex = ["%s -> %s (%s)" % (x, y, edges[x][y])
                      for x in sorted(comp) for y in sorted(edges.get(x, {})) if y in comp]
                out.append("include cycle between folders: %s" % "; ".join(ex))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main())
