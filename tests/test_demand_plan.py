# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestDemandPlan(VmiCommon):
    """The customer's demand plan (SPEC step 1): one per agreement and
    period, published to the supplier through the outbox, acknowledged,
    revised with a trace; it feeds the supplier's "next month" column and
    the planned demand; the buyer is reminded before it is due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement.date_start = date(2026, 1, 1)
        cls.line = cls.agreement.line_ids
        cls.line_2 = cls.env["vmi.agreement.line"].create(
            {
                "agreement_id": cls.agreement.id,
                "product_id": cls.product_2.id,
                "reorder_point": 20,
                "max_qty": 60,
                "price_unit": 20.0,
            }
        )
        cls.Plan = cls.env["vmi.demand.plan"]
        cls.Notification = cls.env["vmi.notification"]

    def _plan(self, first=date(2026, 4, 1), quantities=(90, 80, 70), lines=None, publish=False):
        plan = self.Plan.with_user(self.buyer).create(
            {
                "agreement_id": self.agreement.id,
                "date_from": first,
                "line_ids": [
                    Command.create(
                        {
                            "agreement_line_id": line.id,
                            "quantity": quantities[0],
                            "quantity_next": quantities[1],
                            "quantity_next2": quantities[2],
                        }
                    )
                    for line in (lines or self.line)
                ],
            }
        )
        if publish:
            plan.action_publish()
        return plan

    def _notifications(self, plan, kind=None):
        domain = [("res_model", "=", plan._name), ("res_id", "=", plan.id)]
        if kind:
            domain.append(("kind", "=", kind))
        return self.Notification.search(domain)

    # ------------------------------------------------------------------
    # One plan per period, quantities not negative
    # ------------------------------------------------------------------
    def test_period_and_due_date(self):
        plan = self._plan()
        self.assertEqual((plan.date_from, plan.date_to), (date(2026, 4, 1), date(2026, 4, 30)))
        self.assertEqual(plan.date_due, date(2026, 3, 5))
        self.assertEqual(plan.name, f"{self.agreement.name} 2026-04")
        self.assertEqual(plan.period_type, "month")
        self.assertEqual(self.agreement.demand_plan_count, 1)
        self.assertEqual(
            self.agreement._vmi_next_period(date(2026, 3, 10)), (date(2026, 4, 1), date(2026, 4, 30))
        )
        self.agreement.demand_period = "week"
        weekly = self._plan(first=date(2026, 3, 9))
        self.assertEqual((weekly.period_type, weekly.date_to), ("week", date(2026, 3, 15)))
        self.assertEqual(weekly.date_due, date(2026, 3, 2))
        with self.assertRaisesRegex(ValidationError, "does not start a period"):
            self._plan(first=date(2026, 3, 10))

    def test_unique_period(self):
        self._plan()
        with self.assertRaisesRegex(ValidationError, "one demand plan per period"):
            self._plan()
        with self.assertRaisesRegex(ValidationError, "one demand plan per period"):
            self.Plan.create(
                [
                    {"agreement_id": self.agreement.id, "date_from": date(2026, 5, 1)},
                    {"agreement_id": self.agreement.id, "date_from": date(2026, 5, 1)},
                ]
            )
        june = self._plan(first=date(2026, 6, 1))
        with self.assertRaisesRegex(ValidationError, "one demand plan per period"):
            june.date_from = date(2026, 4, 1)

    def test_negative_quantity_refused(self):
        plan = self._plan()
        plan_line = plan.line_ids
        with self.assertRaisesRegex(ValidationError, "6205.*cannot be negative"):
            plan_line.with_user(self.buyer).write({"quantity_next": -5})
        plan_line.invalidate_recordset()
        self.assertEqual(plan_line.quantity_next, 80)
        with self.assertRaisesRegex(ValidationError, "6206.*cannot be negative"):
            plan.write({"line_ids": [Command.create({"agreement_line_id": self.line_2.id, "quantity": -1})]})
        self.assertEqual(plan.line_ids, plan_line)

    # ------------------------------------------------------------------
    # Publish, acknowledge, revise
    # ------------------------------------------------------------------
    def test_publish_queues_one_notification_in_supplier_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.supplier.lang = "zh_CN"
        template = self.env.ref("stock_vmi.mail_template_vmi_demand_plan")
        template.with_context(lang="zh_CN").subject = "需求计划 {{ object.name }}"
        plan = self._plan()
        self.assertFalse(plan.date_published)
        with freeze_time("2026-03-04 10:00:00"):
            plan.with_user(self.buyer).action_publish()
        self.assertEqual(plan.state, "published")
        self.assertEqual(plan.date_published, datetime(2026, 3, 4, 10, 0, 0))
        notification = self._notifications(plan)
        self.assertEqual(len(notification), 1)
        self.assertEqual((notification.kind, notification.state), ("demand_plan", "sent"))
        self.assertEqual(notification.recipient_ids, self.supplier | self.supplier_contact)
        message = plan.message_ids.filtered(lambda m: m.subject and plan.name in m.subject)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subject, f"需求计划 {plan.name}")
        self.assertIn("90", message.body)
        self.assertNotIn("90.0", message.body)
        self.assertIn(f"/my/vmi/plan/{plan.id}", message.body)
        with self.assertRaisesRegex(UserError, "Only draft"):
            plan.action_publish()
        with self.assertRaises(UserError):
            plan.with_user(self.buyer).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "its agreement and period cannot change"):
            plan.write({"date_from": date(2026, 5, 1)})
        plan.write({"date_from": date(2026, 4, 1), "agreement_id": self.agreement.id})

    def test_late_flag(self):
        on_time = self._plan()
        late = self._plan(first=date(2026, 5, 1))
        with freeze_time("2026-03-05 10:00:00"):
            on_time.action_publish()
        with freeze_time("2026-04-06 08:00:00"):
            late.action_publish()
        self.assertFalse(on_time.is_late)
        self.assertTrue(late.is_late)
        self.assertEqual(self.Plan.search([("is_late", "=", True)]), late)

    def test_revisions_after_publishing(self):
        plan = self._plan(publish=True)
        plan_line = plan.line_ids
        plan_line.with_user(self.buyer).write({"quantity": 120, "quantity_next": 80})
        revision = plan.revision_ids
        self.assertEqual(len(revision), 1)
        self.assertEqual(
            (revision.period, revision.old_quantity, revision.new_quantity, revision.user_id),
            ("quantity", 90, 120, self.buyer),
        )
        self.assertEqual(revision.period_start, date(2026, 4, 1))
        self.assertEqual(len(self._notifications(plan, "demand_plan_revised")), 1)
        # Through the plan: a line added is a revision from 0; one
        # notification for the whole change.
        plan.with_user(self.buyer).write(
            {
                "line_ids": [
                    Command.update(plan_line.id, {"quantity_next2": 50}),
                    Command.create({"agreement_line_id": self.line_2.id, "quantity": 10}),
                ]
            }
        )
        self.assertEqual(len(plan.revision_ids), 3)
        added = plan.revision_ids.filtered(lambda r: r.product_id == self.product_2)
        self.assertEqual((added.old_quantity, added.new_quantity), (0, 10))
        self.assertEqual(len(self._notifications(plan, "demand_plan_revised")), 2)
        # Draft plans keep no revisions; revisions are read-only.
        draft = self._plan(first=date(2026, 5, 1))
        draft.line_ids.quantity = 1
        self.assertFalse(draft.revision_ids)
        with self.assertRaises(AccessError):
            revision.with_user(self.buyer).write({"new_quantity": 1})
        with self.assertRaisesRegex(UserError, "set its quantities to 0"):
            plan_line.unlink()

    def test_acknowledge_then_revise(self):
        plan = self._plan()
        with self.assertRaisesRegex(UserError, "Only published"):
            plan.with_user(self.portal_user).action_acknowledge()
        plan.action_publish()
        with self.assertRaises(AccessError):
            plan.with_user(self.portal_user_b).action_acknowledge()
        plan.with_user(self.portal_user).action_acknowledge()
        self.assertEqual(plan.state, "acknowledged")
        self.assertEqual(plan.acknowledged_by, self.supplier_contact)
        self.assertTrue(plan.date_acknowledged)
        plan.line_ids.with_user(self.buyer).quantity = 100
        self.assertEqual(plan.state, "published")
        # A VMI user records the acknowledgement on the supplier's behalf.
        plan.with_user(self.buyer).action_acknowledge()
        self.assertEqual((plan.state, plan.acknowledged_by), ("acknowledged", self.supplier))

    # ------------------------------------------------------------------
    # Prefill
    # ------------------------------------------------------------------
    def test_prefill_from_moves_and_average(self):
        self._receive(100)
        self._receive(100, product=self.product_2)
        with freeze_time("2026-02-10 10:00:00"):
            self._consume(45)
            self._consume(60, product=self.product_2)
        with freeze_time("2026-03-15 10:00:00"):
            # Planned out of the VMI location in April (confirmed, reserved).
            self._move(
                self.product,
                30,
                self.vmi_location,
                self.production_location,
                validate=False,
                date=datetime(2026, 4, 10, 8, 0, 0),
            )
            # Not out of the location: ignored.
            shelf = self.env["stock.location"].create(
                {"name": "Shelf A", "location_id": self.vmi_location.id}
            )
            self._move(self.product, 5, self.vmi_location, shelf, validate=False, date=datetime(2026, 4, 12))
            action = self.agreement.with_user(self.buyer).action_new_demand_plan()
            plan = self.Plan.browse(action["res_id"])
            self.assertEqual(plan.date_from, date(2026, 4, 1))
            by_product = {
                line.product_id: (line.quantity, line.quantity_next, line.quantity_next2)
                for line in plan.line_ids
            }
            self.assertEqual(by_product, {self.product: (30, 15, 15), self.product_2: (20, 20, 20)})
            # The button opens the same plan again.
            self.assertEqual(self.agreement.action_new_demand_plan()["res_id"], plan.id)
        plan.action_publish()
        with self.assertRaisesRegex(UserError, "Only draft"):
            plan.action_prefill()

    # ------------------------------------------------------------------
    # Planned demand
    # ------------------------------------------------------------------
    def test_planned_demand_across_periods(self):
        lines = self.line | self.line_2
        # March: 62 in 31 days (2 a day); April estimated 90 (3 a day).
        self._plan(first=date(2026, 3, 1), quantities=(62, 90, 0), publish=True)
        self._plan(first=date(2026, 5, 1), quantities=(999, 0, 0))  # a draft: not read
        demand = lines._vmi_planned_demand(date(2026, 3, 22), date(2026, 4, 10))
        self.assertEqual(demand, {self.line.id: 50})
        # May is in no published plan (and the estimate of May is empty).
        self.assertEqual(lines._vmi_planned_demand(date(2026, 4, 25), date(2026, 5, 2)), {})
        # Day by day (the projected stock): None where no plan says anything.
        self.assertEqual(
            lines._vmi_planned_daily_demand(date(2026, 4, 29), 3), {self.line.id: [3.0, 3.0, None]}
        )
        # April's own plan overrides March's estimate (60: 2 a day).
        self._plan(first=date(2026, 4, 1), quantities=(60, 0, 0), publish=True)
        self.assertEqual(lines._vmi_planned_demand(date(2026, 3, 22), date(2026, 4, 10)), {self.line.id: 40})

    def test_planned_demand_fixed_queries(self):
        self._plan(
            first=date(2026, 3, 1), quantities=(62, 90, 0), lines=self.line | self.line_2, publish=True
        )
        lines = self.line | self.line_2
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            lines._vmi_planned_demand(date(2026, 3, 1), date(2026, 4, 30))

    def test_next_month_demand(self):
        self.assertEqual(self.line._vmi_next_month_demand(date(2026, 3, 10)), {})
        self._plan(first=date(2026, 3, 1), quantities=(62, 90, 0), publish=True)
        self.assertEqual(self.line._vmi_next_month_demand(date(2026, 3, 10)), {self.line.id: 90})
        april = self._plan(first=date(2026, 4, 1), quantities=(75, 0, 0), publish=True)
        self.assertEqual(
            (self.line | self.line_2)._vmi_next_month_demand(date(2026, 3, 10)), {self.line.id: 75}
        )
        april.line_ids.quantity = 70.5
        self.assertEqual(self.line._vmi_next_month_demand(date(2026, 3, 31)), {self.line.id: 70.5})

    # ------------------------------------------------------------------
    # Reminder
    # ------------------------------------------------------------------
    def _reminders(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "vmi.agreement"),
                ("res_id", "=", self.agreement.id),
                ("activity_type_id", "=", self.env.ref("stock_vmi.mail_activity_type_vmi_demand_plan").id),
            ]
        )

    def test_reminder_cron(self):
        with freeze_time("2026-03-01 06:00:00"):
            self.Plan._cron_remind()
        self.assertFalse(self._reminders(), "April's plan is due on March 5: too early on March 1")
        with freeze_time("2026-03-03 06:00:00"):
            self.Plan._cron_remind()
            activity = self._reminders()
            self.assertEqual(len(activity), 1)
            self.assertEqual((activity.user_id, activity.date_deadline), (self.buyer, date(2026, 3, 5)))
            note = self.agreement.message_ids.filtered(lambda m: "is due on" in (m.body or ""))
            self.assertEqual(len(note), 1)
            self.assertIn(self.buyer.partner_id, note.partner_ids)
            self.Plan._cron_remind()
            self.assertEqual(len(self._reminders()), 1)
            self.assertEqual(
                len(self.agreement.message_ids.filtered(lambda m: "is due on" in (m.body or ""))), 1
            )
            # Published: the to-do is done, and nobody is reminded again.
            self._plan(publish=True)
            self.assertFalse(self._reminders())
            self.Plan._cron_remind()
            self.assertFalse(self._reminders())

    # ------------------------------------------------------------------
    # Security and views
    # ------------------------------------------------------------------
    def test_portal_access(self):
        plan = self._plan()
        with self.assertRaises(AccessError):
            plan.with_user(self.portal_user).read(["name"])
        plan.action_publish()
        plan.with_user(self.portal_user).read(["name"])
        plan.line_ids.with_user(self.portal_user).read(["quantity"])
        with self.assertRaises(AccessError):
            plan.with_user(self.portal_user_b).read(["name"])
        with self.assertRaises(AccessError):
            plan.line_ids.with_user(self.portal_user_b).read(["quantity"])
        with self.assertRaises(AccessError):
            plan.line_ids.with_user(self.portal_user).write({"quantity": 1})

    def test_form(self):
        with freeze_time("2026-03-10 09:00:00"):
            form = Form(self.Plan.with_user(self.buyer))
            form.agreement_id = self.agreement
            self.assertEqual(form.date_from, date(2026, 4, 1))
            self.assertEqual(form.period_type, "month")
            with form.line_ids.new() as line:
                line.agreement_line_id = self.line
                line.quantity = 90
                line.quantity_next = 80
            plan = form.save()
        self.assertEqual(plan.name, f"{self.agreement.name} 2026-04")
        self.assertEqual((plan.date_to, plan.line_ids.quantity), (date(2026, 4, 30), 90))
        plan.action_publish()
        with Form(plan.with_user(self.buyer)) as form:
            with form.line_ids.edit(0) as line:
                line.quantity = 100
            with form.line_ids.new() as line:
                line.agreement_line_id = self.line_2
                line.quantity = 5
        self.assertEqual(len(plan.revision_ids), 2)
        self.assertEqual(len(self._notifications(plan, "demand_plan_revised")), 1)
        action = self.agreement.action_view_demand_plans()
        self.assertEqual(self.Plan.search(action["domain"]), plan)
