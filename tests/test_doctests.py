# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The doctests of ``logic/`` run with the module's tests.

OCA queue_job hands its doctests to unittest through ``load_tests``; Odoo
18's test loader does not call ``load_tests``, so each module's examples run
here as one test each, and a wrong example fails the run."""

import doctest

from odoo.tests import BaseCase, tagged

from ..logic import (
    arguments,
    chat,
    counts,
    demand,
    levels,
    overstock,
    projection,
    review,
    rules,
    sheet,
    sheet_import,
    simulation,
)

MODULES = (
    rules,
    counts,
    simulation,
    arguments,
    projection,
    demand,
    overstock,
    levels,
    sheet,
    chat,
    sheet_import,
    review,
)


@tagged("post_install", "-at_install")
class TestDoctests(BaseCase):
    def test_logic_doctests(self):
        finder = doctest.DocTestFinder()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        examples = 0
        for module in MODULES:
            for test in finder.find(module):
                if not test.examples:
                    continue
                with self.subTest(test=test.name):
                    report = []
                    result = runner.run(test, out=report.append)
                    examples += result.attempted
                    self.assertFalse(result.failed, "".join(report))
        self.assertGreater(examples, 10, "the logic modules document their rules with examples")
