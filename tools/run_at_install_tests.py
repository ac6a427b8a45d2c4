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

    python run_at_install_tests.py purchase_stock,stock_account [--exclusions FILE] \
        -- -d DB --addons-path=... --http-port=8169

``--exclusions FILE`` (tools/peer_suite_exclusions.txt): tests listed there
(``module:Class[.method]``, one per line, then the reason) are not run at all,
as with ``--test-tags -/module:Class.method``; the number left out is logged.
``--only FILE`` (same format) runs only the tests listed there
(tools/peer_baseline.sh --only-excluded).

The modules' tests run one module after the other (in the order given), each
as its own suite, as Odoo runs them when it installs the modules. It logs
Odoo's usual summary line ("N failed, N error(s) of M tests when loading
database 'DB'") and exits 1 when a test failed or none ran.
"""

import logging
import os
import sys
import threading
import time


def listed_specs(path):
    """``module:Class[.method]`` of the tests listed in ``path``."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from peer_outcomes import read_exclusions

    return [spec for spec, _reason in read_exclusions(path)]


def main(argv):
    sep = argv.index("--")
    own, odoo_args = argv[:sep], argv[sep + 1 :]
    modules = [m for m in own[0].split(",") if m]
    excluded, only = [], None
    if "--exclusions" in own:
        excluded = [f"-/{spec}" for spec in listed_specs(own[own.index("--exclusions") + 1])]
    if "--only" in own:
        only = listed_specs(own[own.index("--only") + 1])
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

        with registry.cursor() as cr:
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)", [modules]
            )
            installed = {name for (name,) in cr.fetchall()}
        missing = [m for m in modules if m not in installed]
        if missing:
            logger.error("not installed in %s: %s", dbname, ", ".join(missing))
            return 1
        report = registry._assertion_report
        t0 = time.time()
        total = 0
        for module in modules:
            include = [f"/{module}"]
            if only is not None:
                include = [f"/{spec}" for spec in only if spec.split(":")[0] == module]
                if not include:
                    continue
            config["test_tags"] = ",".join([*include, *excluded])
            suite = loader.make_suite([module], "at_install")
            count = suite.countTestCases()
            if excluded:
                config["test_tags"] = ",".join(include)
                left_out = loader.make_suite([module], "at_install").countTestCases() - count
                config["test_tags"] = ",".join([*include, *excluded])
                logger.info(
                    "%s: %d at_install tests, %d excluded (%s)",
                    module,
                    count,
                    left_out,
                    own[own.index("--exclusions") + 1],
                )
            if not count:
                continue
            if suite.has_http_case():
                with registry.cursor() as cr:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                    env["ir.qweb"]._pregenerate_assets_bundles()
            t1 = time.time()
            result = loader.run_suite(suite, global_report=report)
            report.update(result)
            total += result.testsRun
            logger.info("%d at_install tests of %s in %.2fs", result.testsRun, module, time.time() - t1)
        logger.info("%d at_install tests of %s in %.2fs", total, ", ".join(modules), time.time() - t0)
        ok = report.wasSuccessful() and (total or only is not None)
        level = logging.INFO if ok else logging.ERROR
        logging.getLogger("odoo.tests.result").log(level, "%s when loading database %r", report, dbname)
        return 0 if ok else 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
