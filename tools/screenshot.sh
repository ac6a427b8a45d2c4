#!/usr/bin/env bash
# Screenshots for the README, from the demo database.
#
#   tools/screenshot.sh [DB]      (default DB: stock_vmi_demo, set up if missing)
#
# Starts Odoo on 127.0.0.1:$STOCK_VMI_SHOT_PORT (default 8079) and writes to docs/:
# as the demo supplier's portal user (vmi_supplier), its agreement page
# (portal_agreement.png, desktop; portal_agreement_mobile.png, 390 px wide;
# portal_agreement_zh_mobile.png, the same in Simplified Chinese) and its latest
# proposal (portal_proposal.png, portal_proposal_mobile.png); as the demo buyer
# (vmi_buyer), the VMI overview of what needs attention today
# (backoffice_overview.png); the supplier's stock sheet (stock_sheet.png, the XLSX
# file drawn by tools/xlsx_preview.py); the first page of last month's VMI review
# PDF (monthly_review.png, by pdftoppm); the buyer's agreement form with its KPI
# panel (backoffice_agreement_kpis.png) and the replenishment analysis
# (backoffice_replenishment_pivot.png).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB=${1:-stock_vmi_demo}
PORT=${STOCK_VMI_SHOT_PORT:-8079}

bash "$REPO_DIR/tools/run.sh" "$DB" --no-start
odoo_bin -d "$DB" --load-language=zh_CN --stop-after-init --log-level=warn
# wkhtmltopdf fetches the PDF's styles from this server, not web.base.url's.
psql -d "$DB" -qc "INSERT INTO ir_config_parameter (key, value, create_date, write_date)
  VALUES ('report.url', 'http://127.0.0.1:$PORT', now(), now())
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
# Odoo itself in the background (not through the odoo_bin function, whose
# subshell would be what the trap kills, leaving the server running).
"$PY" "$ODOO_SRC/odoo-bin" --addons-path="$(addons_path)" --db_user="$PGUSER" -d "$DB" \
  --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port=$((PORT + 1)) \
  --log-level=warn --max-cron-threads=0 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null && break
  sleep 1
done
AGREEMENT=$(psql -d "$DB" -tAc "SELECT id FROM vmi_agreement WHERE state = 'active' ORDER BY id LIMIT 1")
[ -n "$AGREEMENT" ] || die "no active agreement in $DB"
proposal_id() {
  psql -d "$DB" -tAc "SELECT id FROM purchase_order WHERE vmi_agreement_id = $AGREEMENT
                      ORDER BY (vmi_state = 'to_confirm') DESC, id DESC LIMIT 1"
}
mkdir -p "$REPO_DIR/docs"
shot() {  # WIDTH FILE PATH [screenshot.py options...]
  local width=$1 file=$2 path=$3
  shift 3
  "$PY" "$REPO_DIR/tools/screenshot.py" --url "http://127.0.0.1:$PORT" --db "$DB" \
    --path "$path" --width "$width" --out "$REPO_DIR/docs/$file" "$@"
}
# The buyer's overview first: before a review, it shows what needs attention.
shot 1280 backoffice_overview.png "/odoo/action-stock_vmi.action_vmi_overview" \
  --login vmi_buyer --password vmi_buyer --settle 4
PROPOSAL=$(proposal_id)
if [ -z "$PROPOSAL" ]; then
  # No proposal yet: the buyer's Review Now (SPEC step 3: 45 < 50, 55 proposed).
  echo "env['vmi.agreement'].browse($AGREEMENT).with_user(env.ref('stock_vmi.user_vmi_buyer', False) or env.user).action_review_now(); env.cr.commit()" \
    | "$PY" "$ODOO_SRC/odoo-bin" shell --addons-path="$(addons_path)" --db_user="$PGUSER" -d "$DB" \
      --no-http --log-level=warn >/dev/null
  PROPOSAL=$(proposal_id)
fi
shot 1280 portal_agreement.png "/my/vmi/agreement/$AGREEMENT"
shot 390 portal_agreement_mobile.png "/my/vmi/agreement/$AGREEMENT"
shot 390 portal_agreement_zh_mobile.png "/zh_CN/my/vmi/agreement/$AGREEMENT" --lang zh_CN
if [ -n "$PROPOSAL" ]; then
  shot 1280 portal_proposal.png "/my/vmi/proposal/$PROPOSAL"
  shot 390 portal_proposal_mobile.png "/my/vmi/proposal/$PROPOSAL"
fi
# The shared stock sheet (XLSX), as the supplier downloads it from its
# agreement page, drawn by tools/xlsx_preview.py and captured like a page.
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$PY" "$REPO_DIR/tools/screenshot.py" --url "http://127.0.0.1:$PORT" --db "$DB" \
  --path "/my/vmi/agreement/$AGREEMENT/sheet.xlsx" --save "$WORK/sheet.xlsx"
"$PY" "$REPO_DIR/tools/xlsx_preview.py" "$WORK/sheet.xlsx" "$WORK/sheet.html"
shot 1600 stock_sheet.png "file://$WORK/sheet.html" --settle 0.5 --height 150
# The first page of last month's VMI review (the PDF the buyer prints from the
# agreement, the one sent with the statement), rendered by wkhtmltopdf and
# drawn by pdftoppm.
"$PY" "$REPO_DIR/tools/screenshot.py" --url "http://127.0.0.1:$PORT" --db "$DB" \
  --login vmi_buyer --password vmi_buyer \
  --path "/report/pdf/stock_vmi.report_vmi_review_agreement/$AGREEMENT" --save "$WORK/review.pdf"
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$WORK/review.pdf" "$REPO_DIR/docs/monthly_review"
echo "wrote $REPO_DIR/docs/monthly_review.png"
# The buyer's agreement form with last month's KPI panel and the level
# advice beside today's levels; the replenishment analysis (pivot).
shot 1280 backoffice_agreement_kpis.png "/odoo/action-stock_vmi.action_vmi_agreement/$AGREEMENT" \
  --login vmi_buyer --password vmi_buyer --settle 4
shot 1280 backoffice_replenishment_pivot.png "/odoo/action-stock_vmi.action_vmi_proposal_report?view_type=pivot" \
  --login vmi_buyer --password vmi_buyer --settle 4
