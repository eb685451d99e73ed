#!/usr/bin/env python3
"""Counts test cases from meson's testlog.json files (one per build) and prints the CI line.

Each test program speaks TAP; every "ok"/"not ok" line is one case. A program that failed,
crashed or timed out without reporting a failing case counts as one failed case, so a crash
can never look green. The last line printed is "N passed, N failed"; exit status 1 if any failed.
"""
import json
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b(.*)$")


def count(path):
    passed = failed = 0
    failures = []
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        return 0, 1, [f"{path}: {e.strerror} (the build or the test run did not happen)"]
    for line in lines:
        t = json.loads(line)
        ok = bad = 0
        for out_line in (t.get("stdout") or "").splitlines():
            m = TAP.match(out_line.strip())
            if not m:
                continue
            if re.search(r"#\s*(skip|todo)", m.group(2), re.IGNORECASE):
                continue  # skipped or known-issue (TODO) cases count neither way
            if m.group(1) == "ok":
                ok += 1
            else:
                bad += 1
                failures.append(f"{t['name']}: {out_line.strip()}")
        if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
            bad = 1
            failures.append(f"{t['name']}: {t.get('result')} (exit {t.get('returncode')})")
        if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL"):
            # the end of its stderr (a sanitizer's report, the server's log the harness dumps):
            # on a throw-away machine this is all that is left of a failure
            tail = (t.get("stderr") or "").strip().splitlines()[-40:]
            failures.extend(f"{t['name']}:   | {x}" for x in tail)
        if ok == 0 and bad == 0 and t.get("result") == "OK":
            ok = 1  # a program without TAP output that passed
        passed += ok
        failed += bad
    return passed, failed, failures


def main(paths):
    total_p = total_f = 0
    for p in paths:
        # "build-asan" for meson's own log, the file's name for a kept copy (build/testlog-pg-store)
        build = p.split("/")[0] if p.endswith("meson-logs/testlog.json") else p.removesuffix(".json")
        np, nf, fails = count(p)
        print(f"{build}: {np} passed, {nf} failed")
        for f in fails[:200]:
            print(f"  FAILED {f}")
        total_p += np
        total_f += nf
    print(f"{total_p} passed, {total_f} failed")
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
