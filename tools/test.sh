#!/usr/bin/env bash
# Run the stock_vmi tests and Odoo's peer suites with stock_vmi installed, in
# two phases, each on a fresh database installed WITHOUT demo data:
#
#   phase "core": stock_vmi alone (it must not need mrp): stock_vmi's tests
#                 except those tagged vmi_mrp, and Odoo's purchase_stock and
#                 stock_account suites;
#   phase "mrp":  stock_vmi + mrp + product_expiry (both optional for
#                 stock_vmi): stock_vmi's tests tagged vmi_mrp (manufacturing,
#                 and shelf life from the products' expiration dates; none is
#                 fine: the check for stock_vmi tests then does not apply), and
#                 Odoo's mrp and stock suites.
#
# For each Odoo suite, its post_install tests run in the install run; its
# at_install tests run afterwards with the full registry loaded
# (tools/run_at_install_tests.py): Odoo itself would run them while installing
# that module, before stock_vmi is loaded. The tests listed in
# tools/peer_suite_exclusions.txt (they fail without stock_vmi too, see
# tools/peer_baseline.sh) do not run (test tags -/module:Class.method).
#
#   tools/test.sh [--test-tags SPEC | --test-tags=SPEC] [EXTRA ODOO ARGS...]
#
# --test-tags SPEC runs one phase only (default "core": stock_vmi installed
# without mrp; STOCK_VMI_TEST_PHASES=mrp installs stock_vmi + mrp), only the
# install run with exactly those tags (no at_install runner, no exclusions).
#
# Environment:
#   STOCK_VMI_TEST_PHASES  phases to run, comma-separated (default core,mrp; core with --test-tags)
#   STOCK_VMI_TEST_DB      database of phase core, dropped and recreated (default stock_vmi_test)
#   STOCK_VMI_TEST_DB_MRP  database of phase mrp (default <STOCK_VMI_TEST_DB>_mrp)
#   STOCK_VMI_TEST_TAGS    same as --test-tags
#   STOCK_VMI_ODOO_SUITES  Odoo suites of phase core (default purchase_stock,stock_account; empty: none)
#   STOCK_VMI_MRP_SUITES   Odoo suites of phase mrp (default mrp,stock; empty: none)
#   STOCK_VMI_TEST_EXCLUSIONS  exclusion list (default tools/peer_suite_exclusions.txt; empty: none)
#   STOCK_VMI_TEST_PORT    HTTP port used by the HttpCase/tour tests (default 8169; phase mrp
#                          uses PORT+100, parallel at_install runs PORT+20.., PORT+120..)
#   STOCK_VMI_TEST_PARALLEL 1 (default): the phases, and the at_install runs of a phase's
#                          suites (each on a copy of its database), run side by side, each
#                          into its own log; 0: one after the other, echoed to the terminal
#   STOCK_VMI_TEST_LOG     full log of phase core (default <repo>/.test-logs/test.log); phase
#                          mrp logs next to it, <name>-mrp.log
#   STOCK_VMI_TEST_KEEP_DB 0 drops the test databases at the end (default 1: kept for inspection)
#
# Exit status 0 only if, in every phase, Odoo exited 0, at least one test ran
# (and at least one stock_vmi test when the tags select stock_vmi tests that
# exist), no test failed, errored or was skipped (e.g. tours without Chrome),
# and the log has no ERROR/CRITICAL line. The last line printed is
# "N passed, N failed" (", N skipped" when any), summed over the phases.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${STOCK_VMI_TEST_DB:-stock_vmi_test}
DB_MRP=${STOCK_VMI_TEST_DB_MRP:-${DB}_mrp}
SUITES=${STOCK_VMI_ODOO_SUITES-purchase_stock,stock_account}
MRP_SUITES=${STOCK_VMI_MRP_SUITES-mrp,stock}
EXCLUSIONS=${STOCK_VMI_TEST_EXCLUSIONS-$REPO_DIR/tools/peer_suite_exclusions.txt}
TAGS=${STOCK_VMI_TEST_TAGS:-}
PORT=${STOCK_VMI_TEST_PORT:-8169}
LOG=${STOCK_VMI_TEST_LOG:-$REPO_DIR/.test-logs/test.log}

EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --test-tags) [ $# -ge 2 ] || die "--test-tags needs a value"; TAGS=$2; shift ;;
    --test-tags=*) TAGS=${1#--test-tags=} ;;
    -h|--help) sed -n '2,42p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) EXTRA+=("$1") ;;
  esac
  shift
done
if [ -n "$TAGS" ]; then
  PHASES=${STOCK_VMI_TEST_PHASES:-core}
else
  PHASES=${STOCK_VMI_TEST_PHASES:-core,mrp}
fi
for p in ${PHASES//,/ }; do
  case "$p" in core|mrp) ;; *) die "unknown phase '$p' in STOCK_VMI_TEST_PHASES (core, mrp)" ;; esac
done

ensure_all

# Keep the log plain and parseable whatever the caller's environment says.
unset ODOO_PY_COLORS

# -/module:Class.method for each excluded test (the file: "module:Class[.method] reason")
EXCLUDE_TAGS=""
if [ -n "$EXCLUSIONS" ]; then
  [ -f "$EXCLUSIONS" ] || die "exclusion list $EXCLUSIONS not found"
  EXCLUDE_TAGS=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); from peer_outcomes import read_exclusions; print(",".join("-/" + s for s, _ in read_exclusions(sys.argv[2])))' "$REPO_DIR/tools" "$EXCLUSIONS")
fi
# Does stock_vmi have tests tagged vmi_mrp yet?
HAS_VMI_MRP=0
grep -rqE "['\"]vmi_mrp['\"]" "$REPO_DIR/tests" 2>/dev/null && HAS_VMI_MRP=1

# Phases (and, within a phase, the at_install runs of its suites, each on a
# copy of the phase's database) run side by side unless STOCK_VMI_TEST_PARALLEL=0:
# most of their time is spent in browser tours and waits, and two cores then
# finish them in far less than the sum. Each run writes its own log; the
# verdict below reads them.
PARALLEL=${STOCK_VMI_TEST_PARALLEL:-1}
JUDGE_DIR=$(mktemp -d)
trap 'rm -rf "$JUDGE_DIR"' EXIT

odoo_quiet() {  # LOG ARGS... : odoo_bin into LOG (and the terminal when sequential)
  local log=$1; shift
  if [ "$PARALLEL" = "1" ]; then
    odoo_bin "$@" >>"$log" 2>&1
  else
    odoo_bin "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"
  fi
}

run_at_install() {  # DB LOG PORT SUITES : the at_install tests of SUITES on DB
  local db=$1 log=$2 port=$3 suites=$4
  local mods=(${suites//,/ }) pids=() logs=() targets=() rc=0 i target
  if [ "$PARALLEL" != "1" ] || [ ${#mods[@]} -le 1 ]; then
    set +e
    ODOO_SRC="$ODOO_SRC" "$PY" "$REPO_DIR/tools/run_at_install_tests.py" "$suites" \
      ${EXCLUSIONS:+--exclusions "$EXCLUSIONS"} -- \
      -d "$db" --addons-path="$(addons_path)" --db_user="$PGUSER" --log-level=test \
      --http-interface=127.0.0.1 --http-port="$port" --workers=0 --max-cron-threads=0 \
      "${EXTRA[@]}" >>"$log" 2>&1
    rc=$?
    set -e
    return "$rc"
  fi
  # One copy of the database (and its filestore) per further module, made
  # before any runner connects (createdb -T needs the template idle).
  for i in "${!mods[@]}"; do
    target=$db
    if [ "$i" -gt 0 ]; then
      target="${db}_at$i"
      dropdb --if-exists --force "$target"
      createdb -T "$db" "$target"
      rm -rf "${HOME}/.local/share/Odoo/filestore/$target"
      [ ! -d "${HOME}/.local/share/Odoo/filestore/$db" ] \
        || cp -a "${HOME}/.local/share/Odoo/filestore/$db" "${HOME}/.local/share/Odoo/filestore/$target"
    fi
    targets+=("$target")
  done
  set +e
  for i in "${!mods[@]}"; do
    logs+=("${log%.log}-at-${mods[$i]}.log")
    : >"${logs[$i]}"
    ODOO_SRC="$ODOO_SRC" "$PY" "$REPO_DIR/tools/run_at_install_tests.py" "${mods[$i]}" \
      ${EXCLUSIONS:+--exclusions "$EXCLUSIONS"} -- \
      -d "${targets[$i]}" --addons-path="$(addons_path)" --db_user="$PGUSER" --log-level=test \
      --http-interface=127.0.0.1 --http-port="$((port + 20 + i))" --workers=0 --max-cron-threads=0 \
      "${EXTRA[@]}" >>"${logs[$i]}" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || rc=1
    cat "${logs[$i]}" >>"$log"
    rm -f "${logs[$i]}"
    if [ "$i" -gt 0 ]; then
      dropdb --if-exists --force "${targets[$i]}"
      rm -rf "${HOME}/.local/share/Odoo/filestore/${targets[$i]}"
    fi
  done
  set -e
  return "$rc"
}

run_phase() {  # NAME DB MODULES VMI_TAGS ODOO_SUITES LOG PORT
  local name=$1 db=$2 modules=$3 vmi_tags=$4 suites=$5 log=$6 port=$7 tags at_suites="" rc at_rc=0 t0 t1 t2 installed
  if [ -n "$TAGS" ]; then
    tags=$TAGS
  else
    tags=$vmi_tags
    for m in ${suites//,/ }; do tags="$tags,post_install/$m"; done
    [ -z "$EXCLUDE_TAGS" ] || tags="$tags,$EXCLUDE_TAGS"
    at_suites=$suites
  fi
  if [ "$(psql -d postgres -tA -v db="$db" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" = "1" ]; then
    log "[$name] dropping previous test database $db"
    dropdb --if-exists --force "$db"
  fi
  rm -rf "${HOME}/.local/share/Odoo/filestore/$db"
  mkdir -p "$(dirname "$log")"
  : >"$log"
  log "[$name] installing $modules into fresh database $db (no demo data), test tags: $tags"
  log "[$name] full log: $log"
  t0=$(date +%s)
  set +e
  odoo_quiet "$log" -d "$db" -i "$modules" --without-demo=all \
    --test-enable --test-tags "$tags" --stop-after-init --log-level=test \
    --http-interface=127.0.0.1 --http-port="$port" --workers=0 --max-cron-threads=0 \
    "${EXTRA[@]}"
  rc=$?
  set -e
  t1=$(date +%s)
  installed=$(psql -d "$db" -tAc "SELECT state FROM ir_module_module WHERE name = 'stock_vmi'" 2>/dev/null || true)
  # The at_install tests of Odoo's suites, with stock_vmi loaded (also after a
  # failed install run, so that one failure does not hide the others).
  if [ -n "$at_suites" ] && [ "$installed" = "installed" ]; then
    log "[$name] running the at_install tests of $at_suites with $modules installed"
    run_at_install "$db" "$log" "$port" "$at_suites" || at_rc=$?
  fi
  t2=$(date +%s)
  [ "$rc" -ne 0 ] || rc=$at_rc
  log "[$name] done in $((t2 - t0)) s (install run $((t1 - t0)) s, at_install run $((t2 - t1)) s)"
  if [ "${STOCK_VMI_TEST_KEEP_DB:-1}" = "0" ]; then
    dropdb --if-exists --force "$db"; rm -rf "${HOME}/.local/share/Odoo/filestore/$db"
  fi
  printf '%s\n' "$name" "$log" "$rc" "$tags" "${installed:-missing}" "$((t1 - t0))" "$((t2 - t1))" \
    >"$JUDGE_DIR/$name"
}

start_phase() {  # PHASE PORT
  case "$1" in
    core) run_phase core "$DB" stock_vmi "/stock_vmi,-vmi_mrp/stock_vmi" "$SUITES" "$LOG" "$2" ;;
    mrp) run_phase mrp "$DB_MRP" stock_vmi,mrp,product_expiry "vmi_mrp/stock_vmi" "$MRP_SUITES" "${LOG%.log}-mrp.log" "$2" ;;
  esac
}

PHASE_PIDS=()
offset=0
for p in ${PHASES//,/ }; do
  if [ "$PARALLEL" = "1" ]; then
    start_phase "$p" "$((PORT + offset))" &
    PHASE_PIDS+=($!)
  else
    start_phase "$p" "$((PORT + offset))"
  fi
  offset=$((offset + 100))
done
for pid in "${PHASE_PIDS[@]}"; do wait "$pid" || true; done
JUDGE_ARGS=()
for p in ${PHASES//,/ }; do
  [ -f "$JUDGE_DIR/$p" ] || die "phase $p did not finish (no verdict file)"
  mapfile -t fields <"$JUDGE_DIR/$p"
  JUDGE_ARGS+=("${fields[@]}")
done

# Judge each phase from its log, then sum. Odoo's log line format (odoo/netsvc.py):
#   2026-11-24 22:00:00,123 1234 LEVEL dbname logger.name: message
set +e
"$PY" - "$HAS_VMI_MRP" "${JUDGE_ARGS[@]}" <<'PYEOF'
import re
import sys

has_vmi_mrp = sys.argv[1] == '1'
args = sys.argv[2:]
phases = [args[i:i + 7] for i in range(0, len(args), 7)]
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
# test tag spec (odoo/tests/tag_selector.py): [-][tag][/module][:class][.method]
SPEC = re.compile(r'^([+-]?)(\*|\w*)(?:/([\w/]*(?:\.py)?))?(?::(\w*))?(?:\.(\w*))?(?:\[.*\])?$')


def show(title, lines, limit=20):
    if lines:
        print(f"--- {title} ({len(lines)}):")
        for l in lines[:limit]:
            print("  " + l[:300])
        if len(lines) > limit:
            print(f"  ... {len(lines) - limit} more")


def wants_vmi_tests(tags):
    """Do the tags select stock_vmi tests that exist? (vmi_mrp ones may not yet)"""
    for t in re.split(r',(?![^\[]*\])', tags):
        m = SPEC.match(t.strip())
        if not m or m[1] == '-' or not m[3] or 'stock_vmi' not in m[3]:
            continue
        if m[2] == 'vmi_mrp' and not has_vmi_mrp:
            continue
        return True
    return False


def judge(name, log_path, odoo_rc, tags, installed, t_install, t_at):
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
    if int(odoo_rc) != 0:
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
    if wants_vmi_tests(tags) and summary is not None and vmi_tests == 0:
        reasons.append("the test tags select stock_vmi but no stock_vmi test ran")
    if unit_failures:
        reasons.append(f"{len(unit_failures)} FAIL:/ERROR: line(s) from the test runner")
    if errors:
        reasons.append(f"{len(errors)} ERROR/CRITICAL log line(s)")
    if skips:
        reasons.append(f"{len(skips)} skipped test(s) (none allowed)")
    if browser:
        reasons.append(f"{len(browser)} line(s) saying the browser (Chrome) could not be used")

    print()
    print("=" * 70)
    print(f"phase {name}")
    show("test failures and errors", unit_failures, 40)
    show("ERROR/CRITICAL log lines", errors)
    show("skipped tests", skips)
    show("browser problems", [l for l in browser if l not in errors])
    if summary is not None:
        note = '' if has_vmi_mrp or name != 'mrp' else '; no stock_vmi test is tagged vmi_mrp yet'
        print(f"Odoo: {failures} failed, {errs} error(s) of {run} tests ({vmi_tests} from stock_vmi{note})")
    print(f"Duration: {int(t_install) + int(t_at)} s (install run {t_install} s, at_install run {t_at} s)")
    print(f"Log: {log_path}")
    print(f"phase {name}: " + ("FAILED - " + "; ".join(reasons) if reasons else "OK"))
    failed = failures + errs
    passed = max(run - failed - len(skips), 0)
    return passed, failed, len(skips), bool(reasons)


totals = [judge(*p) for p in phases]
passed, failed, skipped = (sum(t[i] for t in totals) for i in range(3))
bad = [p[0] for p, t in zip(phases, totals) if t[3]]
print()
print("=" * 70)
for p, t in zip(phases, totals):
    print(f"phase {p[0]}: {t[0]} passed, {t[1]} failed" + (f", {t[2]} skipped" if t[2] else "")
          + f" in {int(p[5]) + int(p[6])} s" + (" - FAILED" if t[3] else ""))
print("RESULT: " + ("FAILED (phase " + ", ".join(bad) + ")" if bad else "OK"))
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if bad or not phases else 0)
PYEOF
VERDICT=$?
set -e
exit "$VERDICT"
