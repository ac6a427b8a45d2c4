#!/usr/bin/env bash
# Screenshots of the supplier's portal for the README, from the demo database.
#
#   tools/screenshot.sh [DB]      (default DB: stock_vmi_demo, set up if missing)
#
# Starts Odoo on 127.0.0.1:$STOCK_VMI_SHOT_PORT (default 8079), logs in as the
# demo supplier's portal user (vmi_supplier) and writes docs/portal_agreement.png
# (desktop) and docs/portal_agreement_mobile.png (phone width).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB=${1:-stock_vmi_demo}
PORT=${STOCK_VMI_SHOT_PORT:-8079}

bash "$REPO_DIR/tools/run.sh" "$DB" --no-start
odoo_bin -d "$DB" --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port=$((PORT + 1)) \
  --log-level=warn --max-cron-threads=0 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null && break
  sleep 1
done
AGREEMENT=$(psql -d "$DB" -tAc "SELECT id FROM vmi_agreement WHERE state = 'active' ORDER BY id LIMIT 1")
[ -n "$AGREEMENT" ] || die "no active agreement in $DB"
mkdir -p "$REPO_DIR/docs"
for spec in "1280 portal_agreement.png" "390 portal_agreement_mobile.png"; do
  set -- $spec
  "$PY" "$REPO_DIR/tools/screenshot.py" --url "http://127.0.0.1:$PORT" --db "$DB" \
    --path "/my/vmi/agreement/$AGREEMENT" --width "$1" --out "$REPO_DIR/docs/$2"
done
