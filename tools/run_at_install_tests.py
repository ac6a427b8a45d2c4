#!/usr/bin/env python3
"""Run the *at_install* tests of some modules with the FULL registry loaded.

Odoo runs a module's at_install tests while it installs that module, i.e.
before the modules that depend on it (stock_vmi) are loaded: stock_vmi's
overrides would not be active in, say, purchase_stock's at_install tests. This
runner loads the registry of an existing database with every installed module,
then runs the at_install tests of the given modules, so that they run *with
stock_vmi installed*. Post-install tests already run that way in Odoo's own
flow (tools/test.sh runs them there).

Usage (arguments after ``--`` are Odoo options, e.g. -d, --addons-path):

    python run_at_install_tests.py purchase_stock,stock_account -- -d DB --addons-path=... --http-port=8169

It logs Odoo's usual summary line ("N failed, N error(s) of M tests when
loading database 'DB'") and exits 1 when a test failed.
"""

import logging
import os
import sys
import threading
import time


def main(argv):
    modules, odoo_args = argv[0].split(","), argv[argv.index("--") + 1 :]
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
    import odoo
    from odoo.tools import config

    # test_enable makes the framework importable and the HTTP server test-ready;
    # a tag that selects nothing keeps Odoo from running tests while it loads.
    config.parse_config([*odoo_args, "--test-enable", "--test-tags=/__load_only__"])
    logger = logging.getLogger("odoo.tests.at_install_runner")
    dbname = config["db_name"]
    threading.current_thread().dbname = dbname

    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()  # HttpCase and tours need the server in this process
    try:
        registry = odoo.modules.registry.Registry.new(dbname)
        from odoo.tests import loader

        config["test_tags"] = ",".join(f"/{m}" for m in modules)
        t0 = time.time()
        suite = loader.make_suite(modules, "at_install")
        if suite.has_http_case():
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                env["ir.qweb"]._pregenerate_assets_bundles()
        report = registry._assertion_report
        result = loader.run_suite(suite, global_report=report)
        report.update(result)
        logger.info(
            "%d at_install tests of %s in %.2fs", result.testsRun, ", ".join(modules), time.time() - t0
        )
        level = logging.INFO if report.wasSuccessful() and result.testsRun else logging.ERROR
        logging.getLogger("odoo.tests.result").log(level, "%s when loading database %r", report, dbname)
        return 0 if report.wasSuccessful() and result.testsRun else 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
