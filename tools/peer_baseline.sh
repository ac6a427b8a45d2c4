#!/usr/bin/env bash
# Baseline for the peer-suite exclusions: run Odoo's mrp and stock suites
# WITHOUT stock_vmi and show that each test listed in
# tools/peer_suite_exclusions.txt fails there too (so it is excluded from
# tools/test.sh for a reason that has nothing to do with stock_vmi).
#
#   tools/peer_baseline.sh                  # install + run the suites, then compare
#   tools/peer_baseline.sh --only-excluded  # run only the excluded tests (quicker)
#   tools/peer_baseline.sh --only FILE      # run only the tests listed in FILE (same format)
#   tools/peer_baseline.sh --log LOG...     # only compare existing log(s)
#
# Same selection as tools/test.sh's phase 2 minus stock_vmi: a fresh database
# (no demo data) with mrp, purchase_stock, stock_account and portal installed
# (stock_vmi's dependencies, and mrp); the post_install tests of mrp and stock
# in the install run, then their at_install tests with the full registry
# (tools/run_at_install_tests.py); nothing excluded. It then prints every
# excluded test with its outcome in that run (tools/peer_outcomes.py), and the
# tests that failed there without being excluded. With --only, the install
# run selects post_install/<module:Class.method> of the listed tests and the
# at_install runner only the listed ones (a test that fails only after others
# ran would pass there: the full run is the reference).
#
# Environment:
#   STOCK_VMI_BASELINE_DB      database, dropped and recreated (default stock_vmi_baseline)
#   STOCK_VMI_BASELINE_PORT    HTTP port for the HttpCase/tour tests (default 8179)
#   STOCK_VMI_BASELINE_LOG     log file (default <repo>/.test-logs/baseline.log)
#   STOCK_VMI_BASELINE_SUITES  suites (default: STOCK_VMI_MRP_SUITES, else mrp,stock)
#   STOCK_VMI_BASELINE_KEEP    1 keeps the database afterwards (default: dropped)
#   STOCK_VMI_TEST_EXCLUSIONS  exclusion list (default tools/peer_suite_exclusions.txt)
#
# Exit status 0 when every excluded test failed (or errored) in the baseline.
# (With --only FILE, the listed tests are compared instead of the exclusions.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${STOCK_VMI_BASELINE_DB:-stock_vmi_baseline}
PORT=${STOCK_VMI_BASELINE_PORT:-8179}
LOG=${STOCK_VMI_BASELINE_LOG:-$REPO_DIR/.test-logs/baseline.log}
SUITES=${STOCK_VMI_BASELINE_SUITES:-${STOCK_VMI_MRP_SUITES:-mrp,stock}}
EXCLUSIONS=${STOCK_VMI_TEST_EXCLUSIONS:-$REPO_DIR/tools/peer_suite_exclusions.txt}
MODULES=mrp,purchase_stock,stock_account,portal

if [ "${1:-}" = "--log" ]; then
  shift
  [ $# -ge 1 ] || die "--log needs at least one log file"
  exec "${PY:-python3}" "$REPO_DIR/tools/peer_outcomes.py" "$EXCLUSIONS" "$@"
fi
ONLY=""
case "${1:-}" in
  -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --only-excluded) ONLY=$EXCLUSIONS ;;
  --only) [ $# -ge 2 ] || die "--only needs a file"; ONLY=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") ;;
  "") ;;
  *) die "unknown argument $1 (see --help)" ;;
esac

ensure_all
unset ODOO_PY_COLORS

TAGS=""
if [ -n "$ONLY" ]; then
  for spec in $("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); from peer_outcomes import read_exclusions; print(" ".join(s for s, _ in read_exclusions(sys.argv[2])))' "$REPO_DIR/tools" "$ONLY"); do
    case ",$SUITES," in *",${spec%%:*},"*) TAGS="${TAGS:+$TAGS,}post_install/$spec" ;; esac
  done
  # nothing listed among the post_install tests: select none in the install run
  [ -n "$TAGS" ] || TAGS=/__none__
else
  for m in ${SUITES//,/ }; do TAGS="${TAGS:+$TAGS,}post_install/$m"; done
fi

dropdb --if-exists --force "$DB"
rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"
mkdir -p "$(dirname "$LOG")"
log "baseline: installing $MODULES (NO stock_vmi) into fresh database $DB, test tags: $TAGS"
log "full log: $LOG"
T0=$(date +%s)
set +e
odoo_bin -d "$DB" -i "$MODULES" --without-demo=all \
  --test-enable --test-tags "$TAGS" --stop-after-init --log-level=test \
  --http-interface=127.0.0.1 --http-port="$PORT" --workers=0 --max-cron-threads=0 >"$LOG" 2>&1
POST_RC=$?
T1=$(date +%s)
log "baseline: post_install run exited $POST_RC after $((T1 - T0)) s; at_install tests of $SUITES"
ODOO_SRC="$ODOO_SRC" "$PY" "$REPO_DIR/tools/run_at_install_tests.py" "$SUITES" ${ONLY:+--only "$ONLY"} -- \
  -d "$DB" --addons-path="$(addons_path)" --db_user="$PGUSER" --log-level=test \
  --http-interface=127.0.0.1 --http-port="$PORT" --workers=0 --max-cron-threads=0 >>"$LOG" 2>&1
AT_RC=$?
T2=$(date +%s)
set -e
log "baseline: at_install run exited $AT_RC after $((T2 - T1)) s"
[ "${STOCK_VMI_BASELINE_KEEP:-0}" = "1" ] || { dropdb --if-exists --force "$DB"; rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"; }
grep -E "(failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database|post-tests in|at_install tests of .* in )" "$LOG" \
  | sed -E 's/^[0-9-]+ [0-9:,]+ [0-9]+ [A-Z]+ \S+ //' || true
echo "durations: post_install run $((T1 - T0)) s, at_install run $((T2 - T1)) s"
exec "$PY" "$REPO_DIR/tools/peer_outcomes.py" "${ONLY:-$EXCLUSIONS}" "$LOG"
