#!/usr/bin/env python3
"""TAP cases for scripts/embed_sql.py: what it embeds (lines joined exactly as C literals join,
comments dropped) and every layout of migration files it must refuse."""
import os
import subprocess
import sys
import tempfile

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "embed_sql.py")

GOOD = "-- header\n\nCREATE TABLE t (\n  a INTEGER);\n-- inner\nINSERT INTO t VALUES (1);\n"

# (what, {file name: text}, files listed (None: all), expected message or None for success)
CASES = [
    ("two good files embed", {"0001_a.sql": GOOD, "0002_b.sql": "DROP TABLE t;\n"}, None, None),
    ("a gap is refused", {"0001_a.sql": GOOD, "0003_c.sql": GOOD}, None, "migration 2 is missing"),
    ("a duplicate version is refused", {"0001_a.sql": GOOD, "0001_b.sql": GOOD}, None,
     "version 1 is also"),
    ("a first version other than 1 is refused", {"0002_a.sql": GOOD}, None,
     "migration 1 is missing"),
    ("a bad file name is refused", {"1_a.sql": GOOD}, None, "NNNN_short_name.sql"),
    ("an unlisted file is refused", {"0001_a.sql": GOOD, "0002_b.sql": GOOD}, ["0001_a.sql"],
     "not listed in meson.build"),
    ("an empty migration is refused", {"0001_a.sql": "-- only a comment\n"}, None, "no SQL"),
    ("a comment after SQL is refused", {"0001_a.sql": "CREATE TABLE t (a); -- why\n"}, None,
     "-- comment after SQL"),
    ("words glued by the join are refused", {"0001_a.sql": "SELECT a\nFROM t;\n"}, None,
     "glue two words"),
    ("-- inside a string is SQL", {"0001_a.sql": "INSERT INTO t VALUES ('a -- b');\n"}, None,
     None),
    ("no migrations is refused", {}, None, "no migrations"),
]


def run(files, listed):
    with tempfile.TemporaryDirectory() as d:
        mig = os.path.join(d, "migrations")
        os.mkdir(mig)
        for name, text in files.items():
            with open(os.path.join(mig, name), "w", encoding="utf-8") as f:
                f.write(text)
        names = listed if listed is not None else sorted(files)
        out = os.path.join(d, "out.c")
        p = subprocess.run([sys.executable, SCRIPT, "--symbol", "m", "--dir", mig, "--output",
                            out] + [os.path.join(mig, n) for n in names],
                           capture_output=True, text=True)
        text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
        return p.returncode, p.stderr, text


def main():
    print(f"1..{len(CASES) + 1}")
    failed = 0
    for i, (what, files, listed, expect) in enumerate(CASES, 1):
        rc, err, _ = run(files, listed)
        ok = (rc == 0) if expect is None else (rc != 0 and expect in err)
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
        if not ok:
            print(f"# exit {rc}: {err.strip()}")
        failed += not ok
    # what is embedded: the SQL lines joined with nothing between them, comments dropped
    rc, err, text = run({"0001_a.sql": GOOD}, None)
    want = ('{1, "a",\n     "CREATE TABLE t ("\n     "  a INTEGER);"\n'
            '     "INSERT INTO t VALUES (1);"},')
    ok = rc == 0 and want in text and "header" not in text and "m_count = 1;" in text
    print(f"{'ok' if ok else 'not ok'} {len(CASES) + 1} - lines join as C literals do")
    if not ok:
        print("# " + (err or text).replace("\n", "\n# "))
    failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
