#!/usr/bin/env bash
# Set up a database with stock_vmi and its demo data, then run Odoo on it.
#
#   tools/run.sh [DB] [--reset] [--no-start] [--workers N] [-- EXTRA ODOO ARGS...]
#
#   DB           database name (default: $STOCK_VMI_DB or stock_vmi_demo)
#   --reset      drop the database first and create it again
#   --no-start   only set up the database, do not start the server (CI/smoke)
#   --workers N  start as production servers run: prefork with N HTTP worker
#                processes, one cron worker, the websocket (gevent) worker on
#                $STOCK_VMI_GEVENT_PORT and Odoo's recommended limits; 0 (the
#                default) runs the single-process threaded server
#   -- EXTRA     passed to odoo-bin last (e.g. -- --limit-time-cpu=120)
#
# Environment: STOCK_VMI_DB, STOCK_VMI_PORT (default 8069), STOCK_VMI_WORKERS
# (default 0), STOCK_VMI_GEVENT_PORT (default 8072), plus those of tools/common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${STOCK_VMI_DB:-stock_vmi_demo}
RESET=0
START=1
WORKERS=${STOCK_VMI_WORKERS:-0}
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reset) RESET=1 ;;
    --no-start) START=0 ;;
    --workers) [ $# -ge 2 ] || { echo "--workers needs a number" >&2; exit 2; }; WORKERS=$2; shift ;;
    --workers=*) WORKERS=${1#--workers=} ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; EXTRA+=("$@"); break ;;
    -*) EXTRA+=("$1") ;;
    *) DB=$1 ;;
  esac
  shift
done
PORT=${STOCK_VMI_PORT:-8069}
GEVENT_PORT=${STOCK_VMI_GEVENT_PORT:-8072}
case "$WORKERS" in
  ''|*[!0-9]*) echo "--workers / STOCK_VMI_WORKERS must be a number, got '$WORKERS'" >&2; exit 2 ;;
esac
WORKERS=$((10#$WORKERS))

ensure_all

db_exists() {
  [ "$(psql -d postgres -tA -v db="$1" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" = "1" ]
}

module_installed() {
  [ "$(psql -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = 'stock_vmi'" 2>/dev/null)" = "installed" ]
}

demo_users_missing() {
  local login missing=()
  for login in vmi_buyer vmi_supplier; do
    [ "$(psql -d "$1" -tA -v login="$login" <<<"SELECT 1 FROM res_users WHERE login = :'login'" 2>/dev/null)" = "1" ] || missing+=("$login")
  done
  echo "${missing[*]}"
}

if [ "$RESET" -eq 1 ] && db_exists "$DB"; then
  log "dropping database $DB"
  dropdb --if-exists --force "$DB"
  rm -rf "${HOME}/.local/share/Odoo/filestore/$DB"
fi

if ! db_exists "$DB"; then
  log "creating database $DB with stock_vmi and demo data (a few minutes)"
  # Odoo 18 loads demo data by default on a new database; "--without-demo="
  # (empty) makes that explicit and overrides any without_demo in a config file.
  if ! odoo_bin -d "$DB" -i stock_vmi --without-demo= --stop-after-init \
       --http-interface=127.0.0.1 --http-port="$PORT"; then
    dropdb --if-exists "$DB" || true
    die "installation of stock_vmi into $DB failed (database dropped)"
  fi
  module_installed "$DB" || { dropdb --if-exists "$DB" || true; die "stock_vmi is not installed in $DB (database dropped)"; }
elif ! module_installed "$DB"; then
  die "database $DB exists but stock_vmi is not installed in it; use --reset to recreate it"
else
  # The checkout may be newer than the database: bring the module up to date.
  log "database $DB already exists (use --reset to recreate it): updating stock_vmi"
  odoo_bin -d "$DB" -u stock_vmi --stop-after-init --http-interface=127.0.0.1 --http-port="$PORT" \
    || die "update of stock_vmi in $DB failed"
fi

missing=$(demo_users_missing "$DB")
[ -z "$missing" ] || log "WARNING: demo user(s) not found in $DB: $missing (database created without demo data? try --reset)"

cat <<EOF

  Database:      $DB
  Back office:   http://localhost:$PORT/web/login
  Buyer:         login vmi_buyer     password vmi_buyer
  Supplier:      login vmi_supplier  password vmi_supplier   (portal user, same login page)
  Accountant:    login vmi_accountant password vmi_accountant
  Administrator: login admin         password admin

EOF

if [ "$START" -eq 0 ]; then
  log "--no-start given: database $DB is ready, not starting the server"
  exit 0
fi

SERVER=()
if [ "$WORKERS" -gt 0 ]; then
  # Prefork: the master spawns the HTTP workers, a cron worker and the
  # websocket worker ("odoo-bin gevent", on the gevent port; the browser's
  # /websocket connections go there, through a reverse proxy in production).
  # Limits of the configuration sample in Odoo's deployment guide (CPU 600 s,
  # real 1200 s: a monthly settlement may take minutes; memory 600/1600 MiB of
  # virtual memory per worker); later EXTRA arguments override them.
  SERVER=(--workers="$WORKERS" --gevent-port="$GEVENT_PORT" --max-cron-threads=1
          --limit-time-cpu=600 --limit-time-real=1200 --limit-request=8192
          --limit-memory-soft=629145600 --limit-memory-hard=1677721600)
  log "starting Odoo (prefork, $WORKERS HTTP workers) on http://localhost:$PORT, websocket worker on port $GEVENT_PORT (Ctrl-C to stop)"
else
  log "starting Odoo on http://localhost:$PORT (Ctrl-C to stop)"
fi
# queue_job's job runner runs in the server (a server-wide module): it hands
# the jobs of the VMI crons to the workers, as many at once per channel as
# ODOO_QUEUE_JOB_CHANNELS allows (README "Batch work"). It reaches the server
# over HTTP on the port below.
export ODOO_QUEUE_JOB_CHANNELS=${ODOO_QUEUE_JOB_CHANNELS:-root:2,root.vmi.review:1,root.vmi.settlement:2,root.vmi.notify:1}
export ODOO_QUEUE_JOB_PORT=${ODOO_QUEUE_JOB_PORT:-$PORT}
exec "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$(addons_path)" --db_user="$PGUSER" \
  -d "$DB" --http-interface=127.0.0.1 --http-port="$PORT" --db-filter="^${DB}\$" \
  --load=base,web,queue_job "${SERVER[@]}" "${EXTRA[@]}"
