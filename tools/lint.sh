#!/usr/bin/env bash
# Lint the checkout: ruff check, ruff format --check, pylint-odoo with the
# blocking set of .pylintrc-mandatory (OCA's mandatory checks for 18.0 plus
# every pylint-odoo check), and OCA's oca-checks-odoo-module and oca-checks-po
# (the pre-commit hooks of OCA's addon template). Exits non-zero on any
# message of any of them.
#
#   tools/lint.sh            lint the working tree (committed or not)
#
# The tools are those pinned in requirements.txt, from the project's venv
# (installed by ensure_venv, as for the tests). All see the checkout under the
# name Odoo gives it, stock_vmi: ruff through the addons link of common.sh
# (ruff's N999 would reject another folder name); pylint-odoo and the OCA
# checks in a copy of the working tree placed in a folder of its own, like an
# addon in an OCA repository: they look for the manifest below the git top
# level, which a single-module repository's root is, so on the checkout itself
# pylint-odoo skips some checks (consider-merging-classes-inherited) and
# oca-checks-odoo-module all of them.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The venv's install builds psycopg2 and python-ldap: their Debian packages first.
check_odoo_src
ensure_system_packages
ensure_venv
ensure_addons_link
BIN="$STOCK_VMI_VENV/bin"
for tool in ruff pylint oca-checks-odoo-module oca-checks-po; do
  [ -x "$BIN/$tool" ] || die "$tool is missing from $STOCK_VMI_VENV (it is pinned in requirements.txt)"
done

status=0
cd "$ADDONS_LINK_DIR"
log "ruff check ($("$BIN/ruff" --version))"
"$BIN/ruff" check --no-fix stock_vmi || status=1
log "ruff format --check"
"$BIN/ruff" format --check stock_vmi || status=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/stock_vmi"
tar -C "$REPO_DIR" --exclude=./.git --exclude=__pycache__ --exclude=.ruff_cache \
  --exclude=.test-logs --exclude=.venv -cf - . | tar -C "$tmp/stock_vmi" -xf -
git init -q "$tmp"
log "pylint-odoo ($("$BIN/pylint" --version | head -n 1), .pylintrc-mandatory)"
cd "$tmp"
pylint_rc=0
"$BIN/pylint" --rcfile=stock_vmi/.pylintrc-mandatory --output-format=text stock_vmi >"$tmp/pylint.out" 2>&1 ||
  pylint_rc=$?
cat "$tmp/pylint.out"
# Any message counts, whatever pylint's exit status says (an unknown message
# name in the rcfile, W0012, leaves it 0).
messages=$(grep -cE ': \[[A-Z][0-9]{4}\(' "$tmp/pylint.out" || true)
if [ "$pylint_rc" -ne 0 ] || [ "$messages" -ne 0 ]; then
  log "pylint-odoo: $messages message(s) (exit status $pylint_rc)"
  status=1
else
  log "pylint-odoo: no message"
fi

# OCA's odoo-pre-commit-hooks (XML, CSV and PO checks that left pylint-odoo),
# on the same copy: they too look for the manifest below the git top level.
log "oca-checks-odoo-module, oca-checks-po (oca-odoo-pre-commit-hooks)"
"$BIN/oca-checks-odoo-module" stock_vmi/__manifest__.py || status=1
"$BIN/oca-checks-po" --disable=po-pretty-format stock_vmi/i18n/*.po stock_vmi/i18n/*.pot || status=1

if [ "$status" -ne 0 ]; then
  log "lint: FAILED"
else
  log "lint: OK (ruff check, ruff format, pylint-odoo, oca-checks-odoo-module, oca-checks-po)"
fi
exit "$status"
