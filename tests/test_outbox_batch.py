# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import IrQWeb

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestOutboxBatch(VmiCommon):
    """The outbox posts a batch of e-mails in one composer: the template
    compiled once for the batch, each record rendered in its supplier's
    language, the suppliers subscribed as ``message_subscribe`` would; and
    the review creates its proposals' lines in one go."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"], overwrite=True)
        cls.supplier_b.lang = "zh_CN"
        cls.agreement_b = cls._create_agreement(cls.supplier_b, [(cls.product_2, 50, 100, 7.0)])
        cls.template = cls.env.ref("stock_vmi.mail_template_vmi_proposal")

    def _orders(self):
        self._receive(45)
        self._receive(45, product=self.product_2, agreement=self.agreement_b)
        orders = (self.agreement | self.agreement_b)._run_review()
        self.assertEqual(len(orders), 2)
        return orders.sorted(lambda o: o.vmi_agreement_id.id)

    def _count_compiles(self, func):
        calls = []
        compile_ = IrQWeb._compile

        def counting(qweb, template):
            calls.append(template)
            return compile_(qweb, template)

        with patch.object(IrQWeb, "_compile", counting):
            result = func()
        return result, len(calls)

    def test_render_once_same_bodies(self):
        """Same bodies as Odoo renders them, each in its supplier's language;
        records of one language compiled once (Odoo: once a record)."""
        orders = self._orders()
        Template = self.template.with_context(lang="en_US")

        def render(**context):
            return self._count_compiles(
                lambda: Template.with_context(**context)._render_field(
                    "body_html", orders.ids, compute_lang=True
                )
            )

        # One instant for both: the portal links' signed tokens carry the time.
        with freeze_time(fields.Datetime.now()):
            odoo_bodies, _compiles = render()
            ours, _compiles = render(vmi_render_once=True)
        self.assertEqual(ours, odoo_bodies)
        self.assertIn("Dear Bearing Supplier Ltd", ours[orders[0].id])
        self.assertIn("尊敬的", ours[orders[1].id])
        self.supplier_b.lang = "en_US"
        odoo_bodies, odoo_compiles = render()
        ours, our_compiles = render(vmi_render_once=True)
        self.assertEqual(ours, odoo_bodies)
        self.assertIn("Dear Other Supplier Inc", ours[orders[1].id])
        self.assertEqual((odoo_compiles, our_compiles), (2, 1))

    def test_render_once_failure_falls_back_to_odoo(self):
        """A body that fails to render is reported as Odoo reports it."""
        orders = self._orders()
        Render = self.env["mail.render.mixin"].with_context(vmi_render_once=True)
        with self.assertRaises(Exception) as caught:
            Render._render_template_qweb(
                '<p t-out="object.no_such_field_vmi"/>', "purchase.order", orders.ids
            )
        self.assertIn("Failed to render", str(caught.exception))

    def test_batch_post_one_message_each(self):
        """Two proposals of one review, sent by one job in one composer: one
        e-mail each, to its own supplier, in its supplier's language."""
        Composer = type(self.env["mail.compose.message"])
        create = Composer.create
        composers = []

        def counting(model, vals_list):
            composers.append(vals_list)
            return create(model, vals_list)

        # The jobs run at once here (VmiCommon): the review's notifications
        # are sent while it runs, both in one job.
        with patch.object(Composer, "create", counting):
            orders = self._orders()
        self.assertEqual(len(composers), 1)
        for order, supplier, words in (
            (orders[0], self.supplier, "Dear Bearing Supplier Ltd"),
            (orders[1], self.supplier_b, "尊敬的"),
        ):
            posted = order.message_ids.filtered(lambda m: "/my/vmi/proposal/" in (m.body or ""))
            self.assertEqual(len(posted), 1)
            self.assertIn(words, posted.body)
            self.assertEqual(posted.subtype_id, self.env.ref("mail.mt_comment"))
            self.assertIn(supplier, posted.notification_ids.res_partner_id | posted.partner_ids)
            self.assertNotIn(
                (self.supplier | self.supplier_b) - supplier, posted.notification_ids.res_partner_id
            )
            self.assertEqual(order.state, "sent")

    def test_subscribe_like_message_subscribe(self):
        """The batch subscription gives the followers and subtypes that
        ``message_subscribe`` gives, keeps an existing follower's own
        subtypes, leaves archived partners out and adds nobody twice."""
        reference, batch = self._orders()
        for order in (reference, batch):
            order.message_unsubscribe(partner_ids=order.message_partner_ids.ids)
        reference.message_subscribe(partner_ids=(self.supplier | self.supplier_contact).ids)
        note = self.env.ref("mail.mt_note")
        batch.message_subscribe(partner_ids=self.supplier_b_contact.ids, subtype_ids=note.ids)
        archived = self.env["res.partner"].create(
            {"name": "Gone", "email": "gone@example.com", "parent_id": self.supplier_b.id, "active": False}
        )

        def recipients(record):
            return record.partner_id | self.supplier_b_contact | archived

        with patch.object(type(batch), "_vmi_supplier_recipients", recipients):
            batch.sudo()._vmi_subscribe_suppliers()
            self.assertEqual(batch.message_partner_ids, self.supplier_b | self.supplier_b_contact)
            followers = {f.partner_id: f.subtype_ids for f in batch.message_follower_ids}
            self.assertEqual(followers[self.supplier_b_contact], note)
            odoo = {f.partner_id: f.subtype_ids for f in reference.message_follower_ids}
            self.assertEqual(followers[self.supplier_b], odoo[self.supplier])
            count = len(batch.message_follower_ids)
            batch.sudo()._vmi_subscribe_suppliers()
            self.assertEqual(len(batch.message_follower_ids), count)

    def test_review_lines_created_in_one_go(self):
        """The review creates the orders, then all their lines in one
        ``purchase.order.line.create``; each line on its own order, with
        the review's figures."""
        Line = type(self.env["purchase.order.line"])
        create = Line.create
        calls = []

        def counting(model, vals_list):
            calls.append(len(vals_list) if isinstance(vals_list, list) else 1)
            return create(model, vals_list)

        self._receive(45)
        self._receive(45, product=self.product_2, agreement=self.agreement_b)
        with patch.object(Line, "create", counting):
            orders = (self.agreement | self.agreement_b)._run_review()
        self.assertEqual(calls, [2])
        for order, product in zip(
            orders.sorted(lambda o: o.vmi_agreement_id.id), (self.product, self.product_2), strict=True
        ):
            self.assertEqual(order.order_line.product_id, product)
            self.assertEqual(order.order_line.product_qty, 55)
            self.assertEqual(order.order_line.vmi_review_on_hand, 45)
            self.assertEqual(order.amount_untaxed, 55 * order.order_line.price_unit)
