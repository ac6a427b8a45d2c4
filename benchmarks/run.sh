#!/usr/bin/env bash
# Benchmark of stock_vmi (reorder check, Odoo's orderpoints, settlement,
# supplier page) on a fresh database: see benchmarks/bench.py.
#
#   benchmarks/run.sh [--lines N] [--seed S] [--db NAME] [--port P] [--keep] [BENCH OPTIONS...]
#
#   --lines N  agreement lines, 20 per supplier (default 10000: 500 suppliers)
#   --seed S   random seed of the data (default 1)
#   --db NAME  database, dropped and recreated (default vmi_bench_<N>)
#   --port P   HTTP port of the server started for the portal page (default 8390)
#   --keep     keep the database afterwards (default: dropped)
# Other options go to bench.py (--no-portal, --profile DIR, --moves-per-line M).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh"

LINES=10000
SEED=1
DB=""
PORT=8390
KEEP=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) LINES=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --db) DB=$2; shift ;;
    --port) PORT=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) EXTRA+=("$1") ;;
  esac
  shift
done
DB=${DB:-vmi_bench_$LINES}

check_odoo_src
ensure_venv
ensure_addons_link
ensure_pg_role
unset ODOO_PY_COLORS

cleanup() {
  if [ "$KEEP" -eq 0 ]; then
    dropdb --if-exists --force "$DB" 2>/dev/null || true
    rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"
  fi
}
trap cleanup EXIT

dropdb --if-exists --force "$DB"
rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"
log "installing stock_vmi into $DB (no demo data)"
INSTALL_LOG=$(mktemp)
if ! odoo_bin -d "$DB" -i stock_vmi --without-demo=all --stop-after-init --log-level=warn \
    --http-interface=127.0.0.1 --http-port="$PORT" --workers=0 --max-cron-threads=0 >"$INSTALL_LOG" 2>&1; then
  tail -n 40 "$INSTALL_LOG"; rm -f "$INSTALL_LOG"; die "installation failed"
fi
rm -f "$INSTALL_LOG"
log "building $LINES lines (seed $SEED) and measuring"
"$PY" "$REPO_DIR/benchmarks/bench.py" --db "$DB" --lines "$LINES" --seed "$SEED" --port "$PORT" \
  --odoo-src "$ODOO_SRC" "${EXTRA[@]}" -- --addons-path="$(addons_path)" --db_user="$PGUSER"
