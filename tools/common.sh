#!/usr/bin/env bash
# Shared settings and helpers for the stock_vmi scripts (sourced, not run).
#
# Everything is overridable from the environment:
#   ODOO_SRC        Odoo 18.0 source tree                (default /opt/odoo)
#   STOCK_VMI_VENV  virtual environment for Odoo + deps   (default ~/.cache/stock_vmi/venv)
#   PGHOST/PGPORT   PostgreSQL                            (default local socket)
#   PGUSER          PostgreSQL role used by Odoo          (default odoo; created if missing)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
STOCK_VMI_VENV=${STOCK_VMI_VENV:-$HOME/.cache/stock_vmi/venv}
PGUSER=${PGUSER:-odoo}
export PGUSER
# Odoo finds a module by its folder name: expose this checkout as "stock_vmi".
ADDONS_LINK_DIR=${STOCK_VMI_ADDONS_DIR:-$HOME/.cache/stock_vmi/addons-$(printf '%s' "$REPO_DIR" | md5sum | cut -c1-8)}
PY="$STOCK_VMI_VENV/bin/python"

log() { printf '\033[1m[stock_vmi]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

check_odoo_src() {
  [ -f "$ODOO_SRC/odoo-bin" ] || die "no Odoo 18.0 source at $ODOO_SRC (set ODOO_SRC)"
}

# Debian packages: build deps of psycopg2/python-ldap, Chromium for the tours,
# wkhtmltopdf for PDF reports, poppler-utils (pdftoppm) for the README's picture
# of the monthly review's first page. Installed only when missing (needs root or sudo).
ensure_system_packages() {
  local pkgs=(libpq-dev libldap2-dev libsasl2-dev chromium wkhtmltopdf fonts-noto-cjk poppler-utils)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Python virtual environment with Odoo's requirements and ours. Skipped when
# what it would install has not changed since the last install: the stamp file
# holds a checksum of the bootstrap packages and the requirement files, so a
# changed pin re-runs the install in existing environments too. setuptools is
# pinned in requirements.txt (Odoo's gevent needs a pkg_resources that finds
# zope.*); after installing, the websocket worker's start-up is checked.
VENV_BOOTSTRAP=(pip wheel)
ensure_venv() {
  local reqs stamp want
  reqs=$(mktemp)
  # cbor2 5.4.2 (Odoo's pin for Python < 3.12) does not build on Python 3.11.
  sed -E 's/^cbor2==5\.4\.2.*/cbor2==5.6.5 ; python_version < "3.12"/' "$ODOO_SRC/requirements.txt" >"$reqs"
  cat "$REPO_DIR/requirements.txt" >>"$reqs"
  want=$({ printf '%s\n' "${VENV_BOOTSTRAP[@]}"; cat "$reqs"; } | md5sum | cut -c1-32)
  stamp="$STOCK_VMI_VENV/.stock_vmi-reqs"
  if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    rm -f "$reqs"; return 0
  fi
  log "installing Python dependencies into $STOCK_VMI_VENV (a few minutes the first time)"
  [ -x "$PY" ] || python3 -m venv "$STOCK_VMI_VENV"
  "$PY" -m pip install -q --upgrade "${VENV_BOOTSTRAP[@]}"
  # OCA addons (odoo-addon-*) require an "odoo" distribution, which is not on
  # PyPI: they are installed without dependencies (theirs are listed here too).
  grep -v -E '^odoo-addon-' "$reqs" >"$reqs.main"
  "$PY" -m pip install -q -r "$reqs.main"
  if grep -q -E '^odoo-addon-' "$reqs"; then
    grep -E '^odoo-addon-' "$reqs" | "$PY" -m pip install -q --no-deps -r /dev/stdin
  fi
  rm -f "$reqs" "$reqs.main"
  check_gevent
  echo "$want" >"$stamp"
}

# The websocket worker of a multi-worker server is "odoo-bin gevent": it runs
# gevent.monkey.patch_all(), which loads gevent's plugins through pkg_resources
# and so resolves gevent's requirements (zope.event, zope.interface). Fail here,
# not in a restart loop of the server.
check_gevent() {
  "$PY" -c 'import gevent.monkey; gevent.monkey.patch_all()' >/dev/null 2>&1 && return 0
  "$PY" -c 'import gevent.monkey; gevent.monkey.patch_all()' 2>&1 | tail -n 3 >&2 || true
  die "gevent cannot start in $STOCK_VMI_VENV (the websocket worker of --workers mode would crash); see the setuptools pin in requirements.txt"
}

ensure_addons_link() {
  mkdir -p "$ADDONS_LINK_DIR"
  ln -sfn "$REPO_DIR" "$ADDONS_LINK_DIR/stock_vmi"
}

# PostgreSQL role for Odoo (Odoo refuses to run as "postgres").
ensure_pg_role() {
  if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
    local admin
    for admin in postgres root; do
      if psql -U "$admin" -d postgres -tAc "select 1" >/dev/null 2>&1; then
        psql -U "$admin" -d postgres -qc "CREATE ROLE \"$PGUSER\" LOGIN CREATEDB SUPERUSER" >/dev/null 2>&1 || true
        break
      fi
    done
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1 && command -v sudo >/dev/null && id postgres >/dev/null 2>&1; then
      sudo -u postgres psql -qc "CREATE ROLE \"$PGUSER\" LOGIN CREATEDB SUPERUSER" >/dev/null 2>&1 || true
    fi
  fi
  psql -d postgres -tAc "select 1" >/dev/null 2>&1 || die "cannot connect to PostgreSQL as role $PGUSER"
}

ensure_all() {
  check_odoo_src
  ensure_system_packages
  ensure_venv
  ensure_addons_link
  ensure_pg_role
}

addons_path() {
  echo "$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ADDONS_LINK_DIR"
}

odoo_bin() {
  "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$(addons_path)" --db_user="$PGUSER" "$@"
}
