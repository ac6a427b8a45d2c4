#!/usr/bin/env bash
# Run the stock_vmi tests (and by default Odoo's purchase_stock / stock_account
# tests) on a fresh database installed WITHOUT demo data.
#
#   tools/test.sh [--test-tags SPEC | --test-tags=SPEC] [EXTRA ODOO ARGS...]
#
# Environment:
#   STOCK_VMI_TEST_DB     database, dropped and recreated (default stock_vmi_test)
#   STOCK_VMI_TEST_TAGS   test tags of the install run (default: stock_vmi's tests and the
#                         post_install tests of the Odoo suites below)
#   STOCK_VMI_ODOO_SUITES Odoo modules whose whole test suites run with stock_vmi installed
#                         (default purchase_stock,stock_account; empty to skip). Their
#                         post_install tests run in the install run; their at_install
#                         tests run afterwards, with the full registry loaded
#                         (tools/run_at_install_tests.py): Odoo itself would run them while
#                         installing those modules, before stock_vmi is loaded.
#   STOCK_VMI_TEST_PORT   HTTP port used by the HttpCase/tour tests (default 8169)
#   STOCK_VMI_TEST_LOG    full log file (default <repo>/.test-logs/test.log)
#
# Exit status 0 only if Odoo exited 0, at least one test ran (and at least one
# stock_vmi test when the tags select stock_vmi), no test failed, errored or was
# skipped (e.g. tours without Chrome), and the log has no ERROR/CRITICAL line.
# The last line printed is "N passed, N failed" (", N skipped" when any).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${STOCK_VMI_TEST_DB:-stock_vmi_test}
SUITES=${STOCK_VMI_ODOO_SUITES-purchase_stock,stock_account}
DEFAULT_TAGS=/stock_vmi
for m in ${SUITES//,/ }; do DEFAULT_TAGS="$DEFAULT_TAGS,post_install/$m"; done
TAGS=${STOCK_VMI_TEST_TAGS:-$DEFAULT_TAGS}
TAGS_GIVEN=0
PORT=${STOCK_VMI_TEST_PORT:-8169}
LOG=${STOCK_VMI_TEST_LOG:-$REPO_DIR/.test-logs/test.log}

EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --test-tags) [ $# -ge 2 ] || die "--test-tags needs a value"; TAGS=$2; TAGS_GIVEN=1; shift ;;
    --test-tags=*) TAGS=${1#--test-tags=}; TAGS_GIVEN=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) EXTRA+=("$1") ;;
  esac
  shift
done

ensure_all

# Keep the log plain and parseable whatever the caller's environment says.
unset ODOO_PY_COLORS

if [ "$(psql -d postgres -tA -v db="$DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" = "1" ]; then
  log "dropping previous test database $DB"
  dropdb --if-exists --force "$DB"
fi
rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"

mkdir -p "$(dirname "$LOG")"
log "installing stock_vmi into fresh database $DB (no demo data), test tags: $TAGS"
log "full log: $LOG"

set +e
odoo_bin -d "$DB" -i stock_vmi --without-demo=all \
  --test-enable --test-tags "$TAGS" --stop-after-init --log-level=test \
  --http-interface=127.0.0.1 --http-port="$PORT" --workers=0 --max-cron-threads=0 \
  "${EXTRA[@]}" 2>&1 | tee "$LOG"
ODOO_STATUS=${PIPESTATUS[0]}
# The at_install tests of Odoo's suites, with stock_vmi loaded (not when the
# caller chose the tags).
if [ "$ODOO_STATUS" -eq 0 ] && [ "$TAGS_GIVEN" -eq 0 ] && [ -z "${STOCK_VMI_TEST_TAGS:-}" ] && [ -n "$SUITES" ]; then
  log "running the at_install tests of $SUITES with stock_vmi installed"
  ODOO_SRC="$ODOO_SRC" "$PY" "$REPO_DIR/tools/run_at_install_tests.py" "$SUITES" -- \
    -d "$DB" --addons-path="$(addons_path)" --db_user="$PGUSER" --log-level=test \
    --http-interface=127.0.0.1 --http-port="$PORT" --workers=0 --max-cron-threads=0 \
    "${EXTRA[@]}" 2>&1 | tee -a "$LOG"
  ODOO_STATUS=${PIPESTATUS[0]}
fi
set -e

INSTALLED=$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'stock_vmi'" 2>/dev/null || true)

# Judge the run from the log. Odoo's log line format (odoo/netsvc.py):
#   2026-11-24 22:00:00,123 1234 LEVEL dbname logger.name: message
set +e
"$PY" - "$LOG" "$ODOO_STATUS" "$TAGS" "${INSTALLED:-missing}" <<'PYEOF'
import re
import sys

log_path, odoo_rc, tags, installed = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$')
# odoo/service/server.py (ThreadedServer.run, stop=True):
#   "%s when loading database %r" % (OdooTestResult, db)  with OdooTestResult.__str__ =
#   "{failures} failed, {errors} error(s) of {testsRun} tests"  (odoo/tests/result.py)
SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
# odoo/tests/result.py OdooTestResult.addSkip: INFO "skipped %s : %s" (test description, reason)
SKIP = re.compile(r'^skipped (?P<test>.+?) :(?: (?P<reason>.*))?$')
# Reasons odoo/tests/common.py gives when a browser (HttpCase/tour) test cannot run;
# they normally appear in a "skipped" line, but are fatal wherever they show up.
BROWSER = ("Chrome executable not found", "websocket-client module is not installed",
           "Failed to detect chrome devtools port", "Error during Chrome",
           "Cannot connect to chrome dev tools", "never found 'page' target")

errors, unit_failures, skips, browser = [], [], [], []
summary = None
vmi_tests = 0
with open(log_path, encoding='utf-8', errors='replace') as f:
    for raw in f:
        line = raw.rstrip('\n')
        m = LINE.match(line)
        msg = m['msg'].rstrip() if m else line
        if m and m['level'] in ('ERROR', 'CRITICAL'):
            errors.append(line)
        if m and re.match(r'(FAIL|ERROR): ', msg):
            unit_failures.append(line)
        if m and m['level'] == 'INFO':
            s = SKIP.match(msg)
            if s:
                skips.append(f"{m['logger']}: {s['test']} : {s['reason'] or ''}".rstrip())
            if m['logger'].startswith('odoo.addons.stock_vmi.') and msg.startswith('Starting ') and msg.endswith(' ...'):
                vmi_tests += 1
        if any(b in line for b in BROWSER):
            browser.append(line)
        s = SUMMARY.search(line)
        if s:
            # one summary per run (install run, then the at_install runner)
            counts = tuple(int(x) for x in s.groups())
            summary = counts if summary is None else tuple(a + b for a, b in zip(summary, counts))

reasons = []
if odoo_rc != 0:
    reasons.append(f"Odoo exited with status {odoo_rc}")
if installed != 'installed':
    reasons.append(f"stock_vmi is not installed in the test database (state: {installed})")
if summary is None:
    reasons.append("no test summary ('N failed, N error(s) of N tests when loading database') in the log")
    failures = errs = run = 0
else:
    failures, errs, run = summary
    if failures or errs:
        reasons.append(f"{failures} test failure(s), {errs} test error(s)")
    if run == 0:
        reasons.append("no test ran")
wants_vmi = any('stock_vmi' in t and not t.strip().startswith('-') for t in tags.split(','))
if wants_vmi and summary is not None and vmi_tests == 0:
    reasons.append("the test tags select stock_vmi but no stock_vmi test ran")
if unit_failures:
    reasons.append(f"{len(unit_failures)} FAIL:/ERROR: line(s) from the test runner")
if errors:
    reasons.append(f"{len(errors)} ERROR/CRITICAL log line(s)")
if skips:
    reasons.append(f"{len(skips)} skipped test(s) (none allowed)")
if browser:
    reasons.append(f"{len(browser)} line(s) saying the browser (Chrome) could not be used")

def show(title, lines, limit=20):
    if lines:
        print(f"--- {title} ({len(lines)}):")
        for l in lines[:limit]:
            print("  " + l[:300])
        if len(lines) > limit:
            print(f"  ... {len(lines) - limit} more")

print()
print("=" * 70)
show("ERROR/CRITICAL log lines", errors)
show("skipped tests", skips)
show("browser problems", [l for l in browser if l not in errors])
if summary is not None:
    print(f"Odoo: {failures} failed, {errs} error(s) of {run} tests ({vmi_tests} from stock_vmi)")
print(f"Log: {log_path}")
if reasons:
    print("RESULT: FAILED - " + "; ".join(reasons))
else:
    print("RESULT: OK")
failed = failures + errs
passed = max(run - failed - len(skips), 0)
print(f"{passed} passed, {failed} failed" + (f", {len(skips)} skipped" if skips else ""))
sys.exit(1 if reasons else 0)
PYEOF
VERDICT=$?
set -e
exit "$VERDICT"
