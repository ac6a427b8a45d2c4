#!/usr/bin/env bash
# Smoke test of production mode: start Odoo on an existing database the way
# production servers run it (tools/run.sh DB --workers N: prefork HTTP workers,
# a cron worker and the websocket worker "odoo-bin gevent") and check it serves.
#
#   tools/smoke_workers.sh DB [--workers N] [--timeout S]
#
#   DB           existing database with stock_vmi installed (e.g. the demo one)
#   --workers N  HTTP worker processes (default 2)
#   --timeout S  seconds the started server may take to answer (default 90)
#
# Checks, all on 127.0.0.1: /web/health and /web/login answer 200 on the HTTP
# port; on the gevent port /websocket/health answers 200 and a websocket
# handshake on /websocket succeeds (101), answers a ping and takes a subscribe
# message; the gevent worker is not restarted (the same process is alive after
# $STOCK_VMI_SMOKE_SETTLE seconds, default 10, and it started once); the server
# log has no Traceback, ERROR or CRITICAL line. Then stops the server (its
# process group) and exits non-zero, saying which check failed, if one did.
#
# Environment: STOCK_VMI_PORT (default 8069), STOCK_VMI_GEVENT_PORT (default
# 8072), STOCK_VMI_SMOKE_LOG (server log; default a new file in $TMPDIR),
# plus those of tools/common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=""
WORKERS=2
TIMEOUT=90
SETTLE=${STOCK_VMI_SMOKE_SETTLE:-10}
# Before the server starts, run.sh updates stock_vmi in DB (bounded too).
SETUP_TIMEOUT=${STOCK_VMI_SMOKE_SETUP_TIMEOUT:-900}
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) [ $# -ge 2 ] || die "--workers needs a number"; WORKERS=$2; shift ;;
    --workers=*) WORKERS=${1#--workers=} ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs a number of seconds"; TIMEOUT=$2; shift ;;
    --timeout=*) TIMEOUT=${1#--timeout=} ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) DB=$1 ;;
  esac
  shift
done
[ -n "$DB" ] || die "usage: tools/smoke_workers.sh DB [--workers N] [--timeout S]"
for n in "$WORKERS" "$TIMEOUT" "$SETTLE" "$SETUP_TIMEOUT"; do
  case "$n" in ''|*[!0-9]*) die "not a number: '$n'" ;; esac
done
[ "$WORKERS" -gt 0 ] || die "--workers must be at least 1"
PORT=${STOCK_VMI_PORT:-8069}
GEVENT_PORT=${STOCK_VMI_GEVENT_PORT:-8072}
export STOCK_VMI_PORT=$PORT STOCK_VMI_GEVENT_PORT=$GEVENT_PORT
SERVER_LOG=${STOCK_VMI_SMOKE_LOG:-$(mktemp "${TMPDIR:-/tmp}/stock_vmi_smoke_workers.XXXXXX")}

fail() {
  local tracebacks
  log "server log: $SERVER_LOG (last lines below)"
  tail -n 40 "$SERVER_LOG" >&2 || true
  tracebacks=$(grep -c '^Traceback' "$SERVER_LOG" || true)
  if [ "$tracebacks" -gt 0 ]; then
    log "$tracebacks traceback(s) in the log; their last lines:"
    grep -A 200 '^Traceback' "$SERVER_LOG" | grep -E '^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|NotFound|Exit)\b' | sort | uniq -c >&2 || true
  fi
  die "production-mode smoke test (--workers=$WORKERS) failed: $*"
}

[ -x "$PY" ] || die "no virtual environment at $STOCK_VMI_VENV (run tools/run.sh --no-start first)"
[ "$(psql -d postgres -tA -v db="$DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" = "1" ] \
  || die "database $DB does not exist (create it with: tools/run.sh $DB --no-start)"

# HTTP status of a GET on 127.0.0.1 (000 when nothing answers).
http_status() {
  "$PY" - "$1" <<'EOF' 2>/dev/null || echo 000
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
EOF
}

port_in_use() {
  "$PY" -c 'import socket, sys; s = socket.socket(); s.settimeout(2); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

for p in "$PORT" "$GEVENT_PORT"; do
  ! port_in_use "$p" || die "port $p on 127.0.0.1 is already in use (set STOCK_VMI_PORT / STOCK_VMI_GEVENT_PORT)"
done

# Processes of the server's process group whose command line matches $1.
group_pids() {
  ps -eo pid=,pgid=,args= | awk -v g="$PGID" -v pat="$1" '$2 == g && index($0, pat) { print $1 }'
}

PGID=""
stop_server() {
  [ -n "$PGID" ] || return 0
  kill -TERM -- "-$PGID" 2>/dev/null || { PGID=""; return 0; }
  for _ in $(seq 1 30); do
    kill -0 -- "-$PGID" 2>/dev/null || { PGID=""; return 0; }
    sleep 1
  done
  log "server did not stop within 30 s after SIGTERM: killing its process group"
  kill -KILL -- "-$PGID" 2>/dev/null || true
  PGID=""
}
trap stop_server EXIT

log "starting $DB with --workers=$WORKERS (HTTP 127.0.0.1:$PORT, websocket 127.0.0.1:$GEVENT_PORT), log: $SERVER_LOG"
# Own session and process group (setsid), so that stopping it stops all its workers.
setsid bash "$REPO_DIR/tools/run.sh" "$DB" --workers "$WORKERS" </dev/null >"$SERVER_LOG" 2>&1 &
PID=$!
for _ in $(seq 1 50); do  # until setsid has made it a group leader
  [ "$(ps -o pgid= -p "$PID" | tr -d ' ')" = "$PID" ] && break
  sleep 0.1
done
[ "$(ps -o pgid= -p "$PID" | tr -d ' ')" = "$PID" ] || { kill "$PID" 2>/dev/null; fail "could not start the server in its own process group"; }
PGID=$PID

alive() { kill -0 "$PID" 2>/dev/null; }

# 1. set-up (tools/run.sh updates stock_vmi in the database), then the server.
waited=0
until grep -q "starting Odoo (prefork" "$SERVER_LOG"; do
  alive || fail "tools/run.sh exited before starting the server"
  [ "$waited" -lt "$SETUP_TIMEOUT" ] || fail "set-up did not finish within $SETUP_TIMEOUT s"
  sleep 1; waited=$((waited + 1))
done
started=$(date +%s)
until [ "$(http_status "http://127.0.0.1:$PORT/web/health")" = "200" ]; do
  alive || fail "the server exited while starting"
  [ $(($(date +%s) - started)) -lt "$TIMEOUT" ] || fail "/web/health did not answer 200 within $TIMEOUT s"
  sleep 1
done
log "HTTP port answers after $(($(date +%s) - started)) s"

# 2. HTTP workers.
status=$(http_status "http://127.0.0.1:$PORT/web/login")
[ "$status" = "200" ] || fail "/web/login answered $status, not 200"
# 3. the websocket worker: it may still be starting, within the same time bound.
until [ "$(http_status "http://127.0.0.1:$GEVENT_PORT/websocket/health")" = "200" ]; do
  alive || fail "the server exited while starting"
  [ $(($(date +%s) - started)) -lt "$TIMEOUT" ] \
    || fail "the websocket (gevent) port $GEVENT_PORT did not answer /websocket/health within $TIMEOUT s"
  sleep 1
done
gevent_pids=$(group_pids "odoo-bin gevent")
[ "$(wc -w <<<"$gevent_pids")" = "1" ] || fail "expected one gevent worker process, found: '${gevent_pids//$'\n'/ }'"
ws_result=$("$PY" - "$GEVENT_PORT" <<'EOF' 2>&1
import json, sys
import websocket  # websocket-client (requirements.txt)
port = int(sys.argv[1])
ws = websocket.create_connection(f"ws://127.0.0.1:{port}/websocket", timeout=15)
if ws.getstatus() != 101:
    sys.exit(f"handshake status {ws.getstatus()}")
ws.ping(b"stock_vmi")
opcode, frame = ws.recv_data_frame(control_frame=True)
if opcode != websocket.ABNF.OPCODE_PONG:
    sys.exit(f"expected a pong, got opcode {opcode}")
ws.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
ws.ping(b"after subscribe")
opcode, frame = ws.recv_data_frame(control_frame=True)
if opcode != websocket.ABNF.OPCODE_PONG:
    sys.exit(f"no pong after subscribe (opcode {opcode})")
ws.close()
print("101 Switching Protocols, ping/pong and subscribe ok")
EOF
) || fail "websocket on 127.0.0.1:$GEVENT_PORT/websocket: $ws_result"
log "websocket: $ws_result"

# 4. the gevent worker stays up (a crashing one is respawned by the master).
sleep "$SETTLE"
alive || fail "the server exited"
kill -0 "$gevent_pids" 2>/dev/null || fail "the gevent worker (pid $gevent_pids) did not stay up for $SETTLE s"
[ "$(group_pids "odoo-bin gevent")" = "$gevent_pids" ] || fail "the gevent worker was restarted"
starts=$(grep -c "Evented Service (longpolling) running on" "$SERVER_LOG" || true)
[ "$starts" = "1" ] || fail "the gevent worker started $starts times (expected once)"
[ "$(http_status "http://127.0.0.1:$PORT/web/health")" = "200" ] || fail "/web/health no longer answers 200"

# 5. stop cleanly, then the log.
stop_server
if grep -nE 'Traceback|^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$SERVER_LOG" >&2; then
  fail "the server log has the Traceback/ERROR/CRITICAL line(s) above"
fi
log "production mode OK: $WORKERS HTTP workers and the gevent worker (pid $gevent_pids, up ${SETTLE} s, started once) answered; server stopped"
