#!/usr/bin/python3
"""Import benchmark: herald list import beside sqlite3's own .import.

Generates a CSV of N rows (default 1,000,000) with about 2% invalid and 5%
duplicate rows, imports it with herald into a fresh database, then imports
the same file with the sqlite3 shell's .import into a plain table (the floor
for raw insertion), and prints rows/s, peak RSS and the ratio.
"""
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERALD = os.environ.get("HERALD", os.path.join(TOP, "herald"))


def generate(path, n):
    rnd = random.Random(42)
    cities = ["Paris", "Lyon", "Leeds", "東京", "Berlin", "Porto"]
    written = []
    with open(path, "w", encoding="utf-8") as f:
        f.write("email,name,city\n")
        for i in range(n):
            r = rnd.random()
            if r < 0.02:
                f.write(f"user{i}.example.org,Broken {i},Nowhere\n")
            elif r < 0.07 and written:
                f.write(rnd.choice(written) + "\n")
            else:
                line = f"user{i}@dept{i % 97}.Example.org,User {i},{cities[i % 6]}"
                f.write(line + "\n")
                if len(written) < 10000:
                    written.append(line)


def run(cmd, **kw):
    """Run cmd; return (seconds, peak RSS in MB of that child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    dt = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the maximum over all of them: run the
    # measured command first in a fresh process tree when it matters.
    return dt, max(after, before) / 1024.0, p.returncode, p.stderr.decode(errors="replace")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    with tempfile.TemporaryDirectory(prefix="herald-bench-") as d:
        csv = os.path.join(d, "list.csv")
        generate(csv, n)
        size = os.path.getsize(csv) / 1e6
        env = dict(os.environ, HERALD_DB=os.path.join(d, "h.db"),
                   HERALD_CONFIG=os.path.join(d, "h.conf"))
        # herald first, so the children's peak RSS is its own.
        th, rss_h, rc, err = run([HERALD, "list", "import", "bench", csv], env=env)
        if rc not in (0, 65):
            print("herald import failed:", rc, err)
            return 1
        ts, rss_s, rc, err = run(["sqlite3", os.path.join(d, "raw.db"),
                                  ".import --csv " + csv + " raw"])
        if rc != 0:
            print("sqlite3 .import failed:", err)
            return 1
        hr, sr = n / th, n / ts
        print(f"import benchmark: {n} rows, {size:.1f} MB CSV (~2% invalid, ~5% duplicates)")
        print(f"  herald list import   {th:7.2f} s  {hr:10,.0f} rows/s  peak RSS {rss_h:6.1f} MB")
        print(f"  sqlite3 .import      {ts:7.2f} s  {sr:10,.0f} rows/s")
        print(f"  ratio herald/sqlite3 {hr / sr:.2f}  (target >= 0.50; herald also validates and dedupes)")
        print(f"  targets: >= 300,000 rows/s: {'met' if hr >= 300000 else 'NOT met'}; "
              f"peak RSS < 100 MB: {'met' if rss_h < 100 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
