#!/usr/bin/env python3
"""Rebuild maildir/ and expected.tsv in this folder from two git repositories.

usage: regenerate.py GO_SISIMAI_GITDIR SET_OF_EMAILS_GITDIR

Both arguments are git directories (a clone or a bare mirror) of
github.com/sisimai/go-sisimai and github.com/sisimai/set-of-emails; only their
HEAD commit is read, through `git show`, so no work tree is needed. Output goes
next to this script: maildir/ (every maildir/bsd message under 4 MiB, bytes
unchanged) and expected.tsv (the public expectation tables of go-sisimai's
fact/*_test.go, one row per file and index). Problems are printed on stderr
and make the exit status 1.
"""
import os
import re
import subprocess
import sys
from collections import Counter

MAX_BYTES = 4 * 1024 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))


def git(gitdir, *args):
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True,
                          stdout=subprocess.PIPE).stdout


def strip_comments(src):
    """Blank out // and /* */ comments, leaving string literals alone."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c in "\"`":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if (c == '"' and src[j] == "\\") else 1
            out.append(src[i:j + 1]); i = j + 1
        elif src.startswith("//", i):
            j = src.find("\n", i); j = n if j < 0 else j
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2); j = n if j < 0 else j + 2
            out.append(" "); i = j
        else:
            out.append(c); i += 1
    return "".join(out)


def block_after(src, pos):
    """Text between the '{' at or after pos and its matching '}'."""
    start = src.index("{", pos); depth = 0
    for k in range(start, len(src)):
        if src[k] == "{": depth += 1
        elif src[k] == "}":
            depth -= 1
            if depth == 0: return src[start + 1:k]
    raise ValueError("unbalanced braces")


ENTRY = re.compile(r'\{\s*"([^"]*)"\s*,\s*(\d+)\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,'
                   r'\s*"([^"]*)"\s*,\s*(true|false)\s*,\s*"([^"]*)"\s*\}')
FUNC = re.compile(r'^func (Test\w+)\(t \*testing\.T\)', re.M)
CALL = re.compile(r'EngineTest\(\s*t\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,\s*(true|false)\s*\)')


def groups_of(block):
    """Split a [][]IsExpected literal body into its inner {...} groups."""
    groups, depth, start = [], 0, None
    for k, c in enumerate(block):
        if c == "{":
            if depth == 0: start = k
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0: groups.append(block[start:k + 1])
    return groups


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    godir, setdir = sys.argv[1], sys.argv[2]
    gohead = git(godir, "rev-parse", "HEAD").decode().strip()
    sethead = git(setdir, "rev-parse", "HEAD").decode().strip()
    problems, notes = [], []

    # 1. messages
    listing = git(setdir, "ls-tree", "-r", "-l", "HEAD", "maildir/bsd/").decode()
    present, skipped = set(), []
    outdir = os.path.join(HERE, "maildir"); os.makedirs(outdir, exist_ok=True)
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        _mode, kind, obj, size = meta.split()
        name = path.rsplit("/", 1)[1]
        if kind != "blob": continue
        if int(size) >= MAX_BYTES:
            skipped.append(name); continue
        with open(os.path.join(outdir, name), "wb") as fh:
            fh.write(git(setdir, "cat-file", "blob", obj))
        present.add(name)
    for name in sorted(set(os.listdir(outdir)) - present):
        os.remove(os.path.join(outdir, name))  # gone upstream

    # Messages renamed in set-of-emails after the tables were written: an old
    # name whose last blob is byte-identical to a message present today.
    byblob = {}
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        byblob[meta.split()[2]] = path.rsplit("/", 1)[1]
    renamed = {}
    gone = git(setdir, "log", "--diff-filter=DR", "--no-renames", "--name-only",
               "--format=%H", "HEAD", "--", "maildir/bsd/").decode().split("\n")
    commit = None
    for line in gone:
        if re.fullmatch(r"[0-9a-f]{40}", line): commit = line; continue
        if not line.startswith("maildir/bsd/"): continue
        old = line.rsplit("/", 1)[1]
        if old in present or old in renamed: continue
        try:
            blob = git(setdir, "rev-parse", f"{commit}^:{line}").decode().strip()
        except subprocess.CalledProcessError:
            continue
        if blob in byblob: renamed[old] = byblob[blob]

    # 2. expectations
    rows, origin = {}, {}
    tests = git(godir, "ls-tree", "--name-only", "HEAD", "fact/").decode().split()
    for tf in sorted(t for t in tests if t.endswith("_test.go")):
        src = strip_comments(git(godir, "show", "HEAD:" + tf).decode())
        funcs = list(FUNC.finditer(src))
        for fi, fm in enumerate(funcs):
            body = src[fm.end():funcs[fi + 1].start() if fi + 1 < len(funcs) else len(src)]
            tname = fm.group(1)
            # file-name rule of EngineTest() in fact/09-lhost-code_test.go
            prefix = "lhost-" if tname.startswith("TestLhost") else \
                     "rhost-" if tname.startswith("TestRhost") else ""
            for cm in CALL.finditer(body):
                engine, var, public = cm.groups()
                if public != "true": continue
                am = re.search(r'\b' + var + r'\s*:=\s*\[\]\[\]IsExpected\s*\{', body)
                if not am:
                    problems.append(f"{tf}: no literal for {var}"); continue
                for g in groups_of(block_after(body, am.end() - 1)):
                    entries = ENTRY.findall(g)
                    inner = g[1:-1].count("{")
                    if len(entries) != inner:
                        problems.append(f"{tf}: unparsed entry in {g!r}")
                    # EngineTest() pairs the n-th decoded result with the n-th
                    # entry of a group, so the position is the index that counts
                    for pos, (label, idx, status, code, reason, hard, another) in enumerate(entries, 1):
                        fname = f"{prefix}{engine.lower()}-{label}.eml"
                        if int(idx) != pos:
                            notes.append(f"{tf}: {fname} entry {pos} says index {idx}; position {pos} used")
                        if fname not in present and fname in renamed:
                            notes.append(f"{tf}: {fname} is now {renamed[fname]} in set-of-emails (same bytes)")
                            fname = renamed[fname]
                        idx = pos
                        key = (fname, idx)
                        row = (status, code, reason, "1" if hard == "true" else "0", another, engine)
                        if key in rows:
                            msg = f"{tf}: {fname} index {idx} listed twice"
                            if rows[key] == row: notes.append(msg + " (same values, kept once)")
                            else: problems.append(msg + " with different values")
                            continue
                        rows[key] = row; origin[key] = tf

    with open(os.path.join(HERE, "expected.tsv"), "w", encoding="utf-8", newline="\n") as out:
        out.write("# file\tindex\tstatus\treply_code\treason\thard\tanother\tengine\n")
        out.write(f"# source: github.com/sisimai/go-sisimai {gohead} fact/*_test.go publiclist tables; "
                  f"github.com/sisimai/set-of-emails {sethead} maildir/bsd\n")
        for (fname, idx) in sorted(rows):
            out.write("\t".join([fname, str(idx), *rows[(fname, idx)]]) + "\n")

    # 3. checks and counts
    named = {f for f, _ in rows}
    for f in sorted(named - present):
        problems.append(f"expected.tsv names {f}, not in maildir/")
    print(f"go-sisimai {gohead}\nset-of-emails {sethead}")
    print(f"messages copied: {len(present)}  skipped (>= 4 MiB): {len(skipped)} {skipped}")
    print(f"files in expected.tsv: {len(named)}  rows: {len(rows)}  "
          f"messages without expectations: {len(present - named)}")
    hard = Counter(r[3] for r in rows.values())
    print(f"hard=1: {hard['1']}  hard=0: {hard['0']}")
    for reason, n in sorted(Counter(r[2] for r in rows.values()).items(), key=lambda x: (-x[1], x[0])):
        print(f"  {reason:18} {n}")
    for p in notes:
        print("note:", p)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
