#!/usr/bin/env python3
"""Per-test outcomes from Odoo test logs, and the peer-suite exclusion list.

Used by tools/peer_baseline.sh (and usable by hand) to show how each test
excluded in ``tools/peer_suite_exclusions.txt`` fared in a log:

    python tools/peer_outcomes.py EXCLUSIONS_FILE LOG [LOG...]

prints every excluded test with its outcome in the logs, then every test that
failed in the logs without being excluded, and exits 1 when an excluded test
did NOT fail there (the exclusion is not justified by that log) or was not
found at all.

Outcomes, from Odoo's log format (odoo/tests/result.py; odoo/netsvc.py):
  "Starting Class.method ..."         (INFO, logger odoo.addons.<module>.tests.<file>)
  "FAIL: Class.method" / "ERROR: ..."  (ERROR, same logger; also "Subtest Class.method (...)")
  "ERROR: setUpClass (odoo.addons.<module>.tests.<file>.Class)"  (the whole class)
  "skipped Class.method : reason"      (INFO)
  any other ERROR/CRITICAL line while a test runs is counted against that test.
"""

import re
import sys

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$"  # noqa: E501
)
ADDON = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests?\b")
START = re.compile(r"^Starting (?P<cls>\w+)\.(?P<meth>\w+) \.\.\.$")
FLAVOUR = re.compile(r"^(?P<flavour>FAIL|ERROR): (?:Subtest )?(?P<cls>\w+)\.(?P<meth>\w+)\b")
CLASS_SETUP = re.compile(
    r"^ERROR: (?P<hook>setUpClass|tearDownClass) \(odoo\.addons\.(?P<module>\w+)\.tests?\.[\w.]*?\.?(?P<cls>\w+)\)"  # noqa: E501
)
EXC = re.compile(r"^\w+(Error|Exception|Failure)\b|^odoo\.\S+(Error|Exception)\b")
SKIP = re.compile(r"^skipped (?:Subtest )?(?P<cls>\w+)\.(?P<meth>\w+)\b")

# worst outcome wins
RANK = {"passed": 0, "skipped": 1, "error log line": 2, "FAIL": 3, "ERROR": 3}


def read_exclusions(path):
    """[(spec, reason)] from the exclusion file: one ``module:Class[.method]``
    per line, then its reason; lines starting with ``#`` and blank lines are
    ignored."""
    out = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            spec, _, reason = line.partition(" ")
            if not re.match(r"^\w+:\w+(\.\w+)?$", spec):
                raise SystemExit(f"{path}: bad test spec {spec!r} (want module:Class[.method])")
            out.append((spec, reason.strip()))
    return out


def outcomes(paths):  # noqa: C901 - one pass over the log, one branch per line kind
    """{test id: [outcome, detail]}; test ids are ``module:Class.method`` and,
    for class-level hooks, ``module:Class``."""
    res = {}
    current = None

    def mark(tid, outcome, detail):
        old = res.get(tid)
        if old is None or RANK[outcome] > RANK[old[0]]:
            res[tid] = [outcome, detail]

    def flush():
        # the exception line of the traceback under a FAIL/ERROR line
        tid, lines = pending
        if tid and lines:
            idx = [i for i, x in enumerate(lines) if EXC.match(x)] or [len(lines) - 1]
            detail = lines[idx[-1]].strip()
            rest = [x.strip() for x in lines[idx[-1] + 1 :] if x.strip()]
            if "startTour(" in detail and rest:
                # a tour: its own message says which step failed
                detail = "tour: " + " ".join(rest[:2])
            res[tid][1] = detail[:240]

    for path in paths:
        pending = (None, [])
        with open(path, encoding="utf-8", errors="replace") as f:
            for raw in f:
                m = LINE.match(raw.rstrip("\n"))
                if not m:
                    if pending[0] and raw.strip():
                        pending[1].append(raw.rstrip("\n"))
                    continue
                flush()
                pending = (None, [])
                msg, level = m["msg"].rstrip(), m["level"]
                a = ADDON.match(m["logger"])
                if a and level == "INFO":
                    s = START.match(msg)
                    if s:
                        current = f"{a['module']}:{s['cls']}.{s['meth']}"
                        mark(current, "passed", "")
                        continue
                    s = SKIP.match(msg)
                    if s:
                        mark(f"{a['module']}:{s['cls']}.{s['meth']}", "skipped", msg[:200])
                        continue
                if level not in ("ERROR", "CRITICAL"):
                    continue
                c = CLASS_SETUP.match(msg)
                if c:
                    tid = f"{c['module']}:{c['cls']}"
                    mark(tid, "ERROR", f"{c['hook']} failed")
                    pending = (tid, [])
                    current = None
                    continue
                fl = FLAVOUR.match(msg)
                if a and fl:
                    tid = f"{a['module']}:{fl['cls']}.{fl['meth']}"
                    mark(tid, fl["flavour"], msg[:200])
                    pending = (tid, [])
                    continue
                if (
                    current
                    and not msg.startswith(("At least one test failed", "Module "))
                    and " when loading database " not in msg
                ):
                    mark(current, "error log line", f"{m['logger']}: {msg[:160]}")
        flush()
    return res


def lookup(res, spec):
    """Outcomes of the tests a spec names (one method, or every test of a class
    plus its class-level hook)."""
    if "." in spec:
        return {spec: res[spec]} if spec in res else {}
    return {tid: o for tid, o in res.items() if tid == spec or tid.startswith(spec + ".")}


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    exclusions, logs = read_exclusions(argv[0]), argv[1:]
    res = outcomes(logs)
    bad = 0
    print(f"Excluded tests ({len(exclusions)}) and their outcome in {', '.join(logs)}:")
    covered = set()
    for spec, reason in exclusions:
        found = lookup(res, spec)
        covered.update(found)
        failed = {t: o for t, o in found.items() if o[0] != "passed"}
        if not found:
            verdict, bad = "NOT RUN (not in the log)", bad + 1
        elif failed:
            verdict = "; ".join(
                f"{o[0]}" + (f" [{t}]" if t != spec else "") for t, o in sorted(failed.items())
            )
        else:
            verdict, bad = "PASSED (exclusion not justified by this log)", bad + 1
        print(f"  {spec:<75} {verdict}")
        for _test, o in sorted(failed.items()):
            if o[1]:
                print(f"      baseline: {o[1]}")
        print(f"      listed reason: {reason}")
    others = sorted((t, o) for t, o in res.items() if o[0] != "passed" and t not in covered)
    print(f"Tests not passing in these logs and NOT excluded ({len(others)}):")
    for t, o in others:
        print(f"  {t:<75} {o[0]}  {o[1]}")
    ran = sum(1 for t in res if "." in t.split(":", 1)[1])
    hooks = sum(1 for t, o in res.items() if "." not in t.split(":", 1)[1] and o[0] != "passed")
    print(
        f"{ran} tests seen, {sum(1 for t, o in res.items() if o[0] != 'passed') - hooks} not passing"
        f" (+{hooks} class set-up errors), {len(exclusions) - bad}/{len(exclusions)} exclusions confirmed"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
