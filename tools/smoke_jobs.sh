#!/usr/bin/env bash
# queue_job's real runner with two workers: no chunk is reviewed or settled
# twice, whatever runs at once.
#
#   tools/smoke_jobs.sh DB [--timeout S]
#
# DB is a database made by tools/run.sh (the demo); this CHANGES it (use a
# throw-away one, as CI does). The demo agreement's review and settlement are
# made due, and each chunk is enqueued four times more without identity key
# (as crons whose identity check failed, or a rerun, would), so that the two
# workers run the same chunk at the same time. Then Odoo starts as in
# production (tools/run.sh --workers 2, queue_job's runner, channels
# root.vmi.review:2 and root.vmi.settlement:2, no cron worker) and, once every job has run,
# the script checks: one open proposal and one settlement for the cut-off;
# the bill holds the consumption once; the proposal and the statement were
# each e-mailed once, by the outbox's jobs; no job failed; no ERROR or traceback
# in the log (a chunk refused because its twin holds the lock is a warning).
#
# Environment: STOCK_VMI_PORT / STOCK_VMI_GEVENT_PORT (default 8069 / 8072),
# STOCK_VMI_SMOKE_LOG (server log file).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=""
TIMEOUT=180
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) [ $# -ge 2 ] || die "--timeout needs a value"; TIMEOUT=$2; shift ;;
    -*) die "unknown option $1" ;;
    *) DB=$1 ;;
  esac
  shift
done
[ -n "$DB" ] || die "usage: tools/smoke_jobs.sh DB [--timeout S]"
PORT=${STOCK_VMI_PORT:-8069}
export STOCK_VMI_PORT=$PORT STOCK_VMI_GEVENT_PORT=${STOCK_VMI_GEVENT_PORT:-8072}
export ODOO_QUEUE_JOB_CHANNELS="root:2,root.vmi.review:2,root.vmi.settlement:2,root.vmi.notify:1"
SERVER_LOG=${STOCK_VMI_SMOKE_LOG:-$(mktemp "${TMPDIR:-/tmp}/stock_vmi_smoke_jobs.XXXXXX")}
sql() { psql -d "$DB" -tAq -c "$1"; }
ensure_addons_link

# 1. Due work, each chunk enqueued five times (the cron's once, four twins).
PREP=$(mktemp)
cat >"$PREP" <<'PYEOF'
from dateutil.relativedelta import relativedelta
from odoo import fields
from odoo.addons.stock_vmi.logic import rules

today = fields.Date.context_today(env.user)
agreement = env["vmi.agreement"].search([("state", "=", "active")], order="id", limit=1)
agreement.sudo().write({"date_start": today - relativedelta(months=3), "next_review_date": today})
Consumption = env["vmi.consumption"]
cutoff = rules.settlement_cutoff_due(
    Consumption._get_settlement_today(agreement),
    agreement.settlement_day,
    agreement.last_settlement_date,
    agreement.date_start,
)
assert cutoff, "the demo agreement has no settlement due"
env["vmi.agreement"]._cron_review()
env["vmi.settlement"]._cron_settle()
for twin in range(4):
    agreement.with_delay(channel="root.vmi.review", description=f"twin {twin}")._job_review(today)
    env["vmi.settlement"].with_delay(channel="root.vmi.settlement", description=f"twin {twin}")._job_settle(
        agreement.ids, cutoff
    )
env.cr.commit()
print(f"PREPARED {agreement.id} {cutoff}")
PYEOF
out=$("$PY" "$ODOO_SRC/odoo-bin" shell --addons-path="$(addons_path)" --db_user="$PGUSER" -d "$DB" \
  --no-http --log-level=warn <"$PREP" 2>&1) || { echo "$out" >&2; die "could not prepare the jobs"; }
rm -f "$PREP"
read -r AGREEMENT CUTOFF < <(echo "$out" | awk '/^PREPARED/ { print $2, $3 }')
[ -n "$AGREEMENT" ] || { echo "$out" >&2; die "could not prepare the jobs"; }
jobs=$(sql "SELECT count(*) FROM queue_job WHERE method_name IN ('_job_review', '_job_settle') AND state = 'pending'")
[ "$jobs" -ge 10 ] || die "expected at least 10 pending jobs, found $jobs"
log "agreement $AGREEMENT, cut-off $CUTOFF: $jobs review and settlement jobs pending (each chunk 5 times)"

# 2. The server with two workers and the job runner, in its own process group.
#    No cron worker: the jobs alone run (Odoo's own crons, such as the mail
#    queue, would race with them on the same rows and log Odoo's errors).
setsid bash "$REPO_DIR/tools/run.sh" "$DB" --workers 2 -- --max-cron-threads=0 </dev/null >"$SERVER_LOG" 2>&1 &
PGID=$!
stop_server() { kill -TERM -- "-$PGID" 2>/dev/null || true; sleep 3; kill -KILL -- "-$PGID" 2>/dev/null || true; }
trap stop_server EXIT
fail() { tail -n 40 "$SERVER_LOG" >&2 || true; die "job runner smoke test failed: $* (server log: $SERVER_LOG)"; }
waited=0
while :; do
  left=$(sql "SELECT count(*) FROM queue_job WHERE method_name IN ('_job_review', '_job_settle', '_job_send')
              AND state NOT IN ('done', 'failed', 'cancelled')")
  [ "$left" = "0" ] && break
  kill -0 "$PGID" 2>/dev/null || fail "the server stopped"
  [ "$waited" -lt "$TIMEOUT" ] || fail "$left jobs still not run after $TIMEOUT s"
  sleep 2; waited=$((waited + 2))
done
stop_server
trap - EXIT

# 3. Each piece of work done once.
failed=$(sql "SELECT count(*) FROM queue_job WHERE method_name IN ('_job_review', '_job_settle', '_job_send') AND state <> 'done'")
[ "$failed" = "0" ] || fail "$failed jobs failed: $(sql "SELECT method_name, exc_info FROM queue_job WHERE state = 'failed' LIMIT 1")"
proposals=$(sql "SELECT count(*) FROM purchase_order WHERE vmi_agreement_id = $AGREEMENT AND vmi_state = 'to_confirm'")
[ "$proposals" = "1" ] || fail "expected one open proposal, found $proposals"
settlements=$(sql "SELECT count(*) FROM vmi_settlement WHERE agreement_id = $AGREEMENT AND date_to = '$CUTOFF'")
[ "$settlements" = "1" ] || fail "expected one settlement for $CUTOFF, found $settlements"
billed=$(sql "SELECT COALESCE(SUM(l.quantity), 0) FROM vmi_settlement_line l JOIN vmi_settlement s ON s.id = l.settlement_id
              WHERE s.agreement_id = $AGREEMENT AND s.date_to = '$CUTOFF'")
consumed=$(sql "SELECT COALESCE(SUM(c.quantity), 0) FROM vmi_consumption c JOIN vmi_settlement s ON s.id = c.settlement_id
                WHERE s.agreement_id = $AGREEMENT AND s.date_to = '$CUTOFF'")
[ "$billed" = "$consumed" ] && [ "$billed" != "0" ] || fail "billed $billed, consumption of the settlement $consumed"
# The outbox: the proposal's and the statement's e-mails, each sent once by
# the notification jobs the review and settlement jobs queued.
unsent=$(sql "SELECT count(*) FROM vmi_notification WHERE agreement_id = $AGREEMENT AND state NOT IN ('sent', 'skipped')")
[ "$unsent" = "0" ] || fail "$unsent notifications not sent: $(sql "SELECT kind, state, last_error FROM vmi_notification WHERE agreement_id = $AGREEMENT AND state NOT IN ('sent', 'skipped') LIMIT 1")"
for doc in "purchase_order:purchase.order:d.vmi_agreement_id = $AGREEMENT AND d.vmi_state = 'to_confirm'" \
           "vmi_settlement:vmi.settlement:d.agreement_id = $AGREEMENT AND d.date_to = '$CUTOFF'"; do
  IFS=: read -r table model where <<<"$doc"
  sent=$(sql "SELECT count(*) FROM vmi_notification n JOIN $table d ON d.id = n.res_id
              WHERE n.res_model = '$model' AND n.state = 'sent' AND $where")
  mails=$(sql "SELECT count(*) FROM mail_message m JOIN $table d ON d.id = m.res_id
               WHERE m.model = '$model' AND m.message_type = 'comment' AND m.subtype_id = (
                 SELECT res_id FROM ir_model_data WHERE module = 'mail' AND name = 'mt_comment') AND $where")
  [ "$sent" = "1" ] && [ "$mails" = "1" ] || fail "$model: $sent notifications sent, $mails e-mails (expected 1 and 1)"
done
# Odoo logs every failed query at ERROR ("odoo.sql_db: bad query"), also the
# serialization failures of two workers updating one row, which the caller
# expects and retries (queue_job postpones the job, the e-mail sender defers
# its chunk with a warning): those are counted, anything else fails.
errors=$(awk '
  /odoo\.sql_db: bad query/ { held = $0; next }
  held != "" { if ($0 !~ /could not serialize access due to concurrent update/) print held; held = "" }
  /Traceback|^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) / { print }
  END { if (held != "") print held }' "$SERVER_LOG")
[ -z "$errors" ] || { echo "$errors" >&2; fail "errors in the server log"; }
conflicts=$(grep -c "odoo.sql_db: bad query" "$SERVER_LOG" || true)
log "job runner OK: $jobs jobs run by 2 workers; 1 proposal, 1 settlement of $billed units for $CUTOFF, each e-mailed once; log clean ($conflicts concurrent updates retried)"
