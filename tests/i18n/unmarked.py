#!/usr/bin/env python3
"""List string literals in src/ and ui/ that read as prose for a person
but are not marked for translation.

A literal (adjacent literals joined, as C joins them) is prose when it
holds two words in a row ("cannot open", "usage: herald"), or, in the
console and the CLI, is a capitalised label ("Send", "Name"). It passes
when the call that holds it is _(), N_(), ngettext() or NT() (prose that
programs read and that stays English), or a call that only compares or
looks up text (strcmp, getenv, json_*, ...). SQL is not prose. A comment
starting "NT:" (e.g. /* NT: words servers write, matched, not shown */)
exempts the declaration or statement that follows it, up to its ';':
the way to keep a table of patterns unmarked.

usage: tests/i18n/unmarked.py [FILE|DIR ...]   (default: src ui)
Prints FILE:LINE: "text" for each finding; exits 1 when there is any.
"""
import os
import re
import signal
import sys

MARKED = {"_", "N_", "NT", "gettext", "ngettext", "dgettext", "pgettext"}
# Calls whose string arguments are looked up, compared or written for
# programs, never shown as sentences.
SILENT = re.compile(r"""^(
    str(n)?(case)?cmp|strn?str|strcasestr|strspn|strcspn|strpbrk|memcmp|
    strtok(_r)?|getenv|setenv|fopen|open|popen|access|stat|mkdir|unlink|
    execl|execlp|execv|execvp|setlocale|iconv_open|dlsym|
    json_\w+|sqlite3_\w+|\w*_sql\w*|sql_\w+|db_\w+|stmt_\w+|
    assert|static_assert|_Static_assert|
    config_get|config_is_set|config_effective|config_key_find|
    ldns_\w+|SSL_\w+|OpenSSL_\w+|X509_\w+|EVP_\w+|
    g_mime_\w+|curl_\w+|tigetstr|tgetstr|define_key|
    has_prefix|starts_with|ends_with|has_suffix|str_(starts|ends)\w*
)$""", re.X)
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH|"
                 r"PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|REPLACE|"
                 r"VACUUM|ATTACH|DETACH|ANALYZE|EXPLAIN)\b", re.I)
FMT = re.compile(r"%(\d+\$)?[-+ #0']*(\*|\d+)?(\.(\*|\d+))?"
                 r"(hh|h|ll|l|j|z|t|L)?[diouxXeEfFgGaAcspnm%]")
PROSE = re.compile(r"[A-Za-z][a-z]+[:,]? +[a-z][a-z]+")
LABEL = re.compile(r"^\s*[A-Z][a-z]{2,}[a-z ]*[:.]?\s*$")

TOKEN = re.compile(r"""
    (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])+')
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<nl>\n)
  | (?P<pp>^[ \t]*\#(?:[^\n\\]|\\(?!\n))*(?:\\\n(?:[^\n\\]|\\(?!\n))*)*)
  | (?P<other>[^\s])
  | (?P<ws>[ \t\r\f\v]+)
""", re.S | re.X | re.M)


def unescape(s):
    return re.sub(r"\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)", " ", s)


def literals(text):
    """Yield (line, joined text, innermost call name) per literal group."""
    line = 1
    stack = []          # names of the calls whose '(' is open
    last_ident = None
    group = None        # [line, parts, call]
    depth = 0           # braces
    nt = None           # brace depth of an "NT:" region, None outside
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        val = m.group()
        if kind == "comment" and re.match(r"/[*/]\s*NT:", val):
            nt = depth
        if kind in ("comment", "ws", "nl"):
            line += val.count("\n")
            continue
        if kind == "pp":
            line += val.count("\n")
            pp = val.strip()
            # A macro's text is checked like code; #include etc. is not.
            d = re.match(r"#\s*define\s+\w+(\([^)]*\))?\s*(.*)", pp, re.S)
            if d:
                for s in re.findall(r'"((?:\\.|[^"\\])*)"', d.group(2)):
                    if not re.search(r"\b(_|N_|NT|ngettext)\s*\(", d.group(2)):
                        yield (line - val.count("\n"), s, None)
            continue
        if kind == "string":
            if group is None:
                group = [line, [], "NT" if nt is not None else
                         stack[-1] if stack else None]
            group[1].append(val[1:-1])
            continue
        if group is not None:
            yield (group[0], "".join(group[1]), group[2])
            group = None
        if kind == "open":
            stack.append(last_ident)
            last_ident = None
            continue
        if kind == "close":
            if stack:
                stack.pop()
            last_ident = None
            continue
        if kind == "ident":
            last_ident = val
            continue
        if val == "{":
            depth += 1
        elif val == "}":
            depth -= 1
        elif val == ";" and nt is not None and depth <= nt:
            nt = None
        last_ident = None
    if group is not None:
        yield (group[0], "".join(group[1]), group[2])


def prose(s, labels):
    t = FMT.sub(" x ", unescape(s))
    if SQL.match(t):
        return False
    if PROSE.search(t):
        return True
    return labels and bool(LABEL.match(t))


def check(path):
    labels = path.startswith("ui/") or "/ui/" in path or "src/cli/" in path
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    found = []
    for line, s, call in literals(text):
        if call in MARKED or (call is not None and SILENT.match(call)):
            continue
        if prose(s, labels):
            found.append((line, s))
    return found


def files(args):
    for a in args or ["src", "ui"]:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                for n in sorted(names):
                    if n.endswith((".c", ".h")):
                        yield os.path.join(root, n)
        else:
            yield a


def main():
    n = 0
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for p in sorted(set(files(sys.argv[1:]))):
        for line, s in check(p):
            print('%s:%d: "%s"' % (p, line, s))
            n += 1
    if n:
        print("%d unmarked literal(s): wrap in _() (or N_() in a table), "
              "or NT() when programs read it" % n, file=sys.stderr)
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main())
