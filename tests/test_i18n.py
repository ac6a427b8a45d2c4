# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import VmiCommon


@tagged("post_install", "-at_install")
class TestTranslations(VmiCommon):
    """Errors reach the plant's buyers and its suppliers in their language.

    Odoo 18 reads the translations of Python strings (``_()``) straight from
    the module's ``i18n/<lang>.po`` files (``code_translations``): activating
    the language is enough, nothing is imported into the database. Terms of
    the data (selection labels, mail template) are imported like a language
    install does.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        (cls.buyer | cls.portal_user).write({"lang": "zh_CN"})

    def _as(self, records, user):
        """``records`` as ``user``, with the context the web client sends for
        that user (its language)."""
        context = self.env["res.users"].with_user(user).context_get()
        self.assertEqual(context["lang"], "zh_CN")
        return records.with_user(user).with_context(**context)

    def _error(self, exception, func, *args):
        with self.assertRaises(exception) as cm:
            func(*args)
        return str(cm.exception)

    def test_activate_without_products(self):
        """An agreement without products cannot be activated: the buyer is
        told so in Chinese, with the agreement's reference filled in."""
        agreement = self._create_agreement(self.supplier_b, [], activate=False)
        message = self._error(ValidationError, self._as(agreement, self.buyer).action_activate)
        self.assertEqual(message, f"协议 {agreement.name} 须至少包含一个产品才能启用。")
        self.assertNotIn("needs at least one product", message)
        self.assertEqual(agreement.state, "draft")
        # An English-speaking user still reads the original.
        message = self._error(ValidationError, agreement.with_context(lang="en_US").action_activate)
        self.assertIn("needs at least one product before it can be activated", message)

    def test_decline_without_reason(self):
        """The supplier declining a proposal from the portal without a reason
        is asked for one in Chinese; the proposal stays waiting for it."""
        self._receive(45)
        order = self.agreement._run_review()
        as_supplier = self._as(order, self.portal_user)
        for reason in ("", "   "):
            with self.subTest(reason=reason):
                message = self._error(ValidationError, as_supplier.action_vmi_supplier_decline, reason)
                self.assertEqual(message, "请填写拒绝该补货建议的原因。")
                self.assertNotIn("give a reason", message)
        self.assertEqual(order.vmi_state, "to_confirm")

    def test_state_label_and_template(self):
        """Once the module's terms are loaded (as a language install does),
        the status named in an error and the proposal email are Chinese too."""
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"])
        self._receive(45)
        order = self.agreement._run_review()
        as_supplier = self._as(order, self.portal_user)
        as_supplier.action_vmi_supplier_decline("6205 轴承下周才有货")
        self.assertEqual(order.vmi_state, "declined")
        message = self._error(UserError, as_supplier.action_vmi_supplier_decline, "再次拒绝")
        self.assertEqual(message, f"补货建议 {order.name} 的状态为“已拒绝”：已不能再修改。")

        template = self.env.ref("stock_vmi.mail_template_vmi_proposal").with_context(lang="zh_CN")
        self.assertEqual(
            template._render_field("subject", order.ids)[order.id],
            f"{order.company_id.name}：VMI 补货建议 {order.name} 待确认",
        )
        body = str(template._render_field("body_html", order.ids)[order.id])
        self.assertIn("尊敬的", body)
        self.assertIn(self.agreement.name, body)
        self.assertIn("请确认该补货建议", body)
        self.assertNotIn("Please confirm it", body)

    def test_supplier_answer_logged_in_buyer_language(self):
        """A Chinese supplier adjusts beyond the tolerance: the English buyer's
        to-do and note are in English; a Chinese buyer reads
        them in Chinese, whatever the supplier's language."""
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"])
        self._receive(45)
        for buyer_lang, summary, note in (
            ("en_US", "Approve VMI proposal", "beyond the agreed tolerance"),
            ("zh_CN", "批准 VMI 补货建议", "超出了约定的容差"),
        ):
            with self.subTest(buyer_lang=buyer_lang):
                self.buyer.lang = buyer_lang
                self.portal_user.lang = "en_US" if buyer_lang == "zh_CN" else "zh_CN"
                self.agreement.purchase_ids.filtered(lambda po: po.state != "cancel").button_cancel()
                order = self.agreement._run_review()
                context = dict(self.env["res.users"].with_user(self.portal_user).context_get())
                order.with_user(self.portal_user).with_context(**context).action_vmi_supplier_adjust(
                    quantities={str(order.order_line.id): 80}
                )
                activity = order.activity_ids
                self.assertEqual(activity.summary, summary)
                self.assertIn(note, str(activity.note))
                message = order.message_ids.filtered(lambda m, note=note: note in (m.body or ""))
                self.assertEqual(len(message), 1)

    def test_api_refusals(self):
        """Refusals of wrong arguments over RPC reach the supplier in Chinese:
        a reason that is not text, quantities in a shape the method does not
        take, a quantity off the agreed pack; nothing changes."""
        self._receive(45)
        order = self.agreement._run_review()
        as_supplier = self._as(order, self.portal_user)
        message = self._error(ValidationError, as_supplier.action_vmi_supplier_decline, ["late"])
        self.assertEqual(message, "备注或原因必须是文本。")
        message = self._error(ValidationError, as_supplier.action_vmi_supplier_adjust, "60")
        self.assertEqual(message, "数量须以 {行 ID: 数量} 的形式给出，或以 [行 ID, 数量] 对组成的列表给出。")
        self.agreement.line_ids.pack_multiple = 10
        line = order.order_line.with_context(lang="zh_CN")
        message = self._error(ValidationError, as_supplier.action_vmi_supplier_adjust, {line.id: 57})
        self.assertEqual(
            message,
            f"{line.product_id.display_name}：57 不是约定包装量 10 {line.product_uom.name} 的整数倍。",
        )
        self.assertEqual(order.vmi_state, "to_confirm")
        self.assertEqual(line.product_qty, 55)

    def test_backoffice_view_labels(self):
        """The back office's new views speak Chinese once the module's terms
        are loaded: the filters of the agreements and settlements, and the
        proposals' kanban."""
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"])

        def arch(xmlid, view_type):
            view = self.env.ref(xmlid)
            model = self._as(self.env[view.model], self.buyer)
            return model.get_views([(view.id, view_type)])["views"][view_type]["arch"]

        search = arch("stock_vmi.vmi_agreement_view_search", "search")
        self.assertIn('string="待检查"', search)
        self.assertIn('string="即将到期"', search)
        self.assertNotIn("To Review", search)
        search = arch("stock_vmi.vmi_settlement_view_search", "search")
        self.assertIn('string="截止日期为上月"', search)
        self.assertNotIn("Cut-off Last Month", search)
        kanban = arch("stock_vmi.purchase_order_view_kanban_vmi", "kanban")
        self.assertIn("计划交货", kanban)
        self.assertNotIn("Planned Delivery", kanban)

    def test_catalogue_complete(self):
        """Every string of the module's template (``i18n/stock_vmi.pot``) has
        its Chinese translation, with the same placeholders."""
        import re

        import polib

        from odoo.tools.misc import file_path

        pot = polib.pofile(file_path("stock_vmi/i18n/stock_vmi.pot"))
        po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(file_path("stock_vmi/i18n/zh_CN.po"))}
        untranslated = [e.msgid for e in pot if not po.get((e.msgctxt, e.msgid))]
        self.assertFalse(untranslated, f"untranslated: {untranslated[:5]}")
        placeholder = re.compile(r"%\([a-z_0-9]+\)[sd]|%[sd]")
        wrong = [
            e.msgid
            for e in pot
            if sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(po[(e.msgctxt, e.msgid)]))
        ]
        self.assertFalse(wrong, f"placeholders differ: {wrong[:5]}")

    def test_catalogue_up_to_date(self):
        """The module's template holds every string Odoo extracts from the
        code, views and data today, and the extraction fails on no file: Odoo
        loads a language's ``.po`` merged with the ``.pot``, so a string
        missing there stays in English whatever ``zh_CN.po`` says (and a file
        whose extraction fails loses all its strings at the next export)."""
        import polib

        from odoo.tools.misc import file_path
        from odoo.tools.translate import TranslationModuleReader

        with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
            extracted = {
                source
                for module, *_rest, source, _value, _comments in TranslationModuleReader(
                    self.env.cr, modules=["stock_vmi"]
                )
                if module == "stock_vmi"
            }
        pot = {e.msgid for e in polib.pofile(file_path("stock_vmi/i18n/stock_vmi.pot"))}
        missing = sorted(extracted - pot)
        if missing:
            self.fail(f"{len(missing)} strings not in i18n/stock_vmi.pot (export it again): {missing[:5]}")

    def test_new_features_speak_chinese(self):
        """The projected stock, the emergency and the shelf-life messages in
        the reader's language."""
        self.env["ir.module.module"]._load_module_terms(["stock_vmi"], ["zh_CN"])
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        html = str(env["vmi.agreement"].browse(self.agreement.id)._vmi_render_projection())
        self.assertIn("预计缺货日期", html)
        self.assertIn("可用天数", html)
        self.assertNotIn("Runs out on", html)
        line = env["vmi.agreement.line"].browse(self.agreement.line_ids.id)
        with self.assertRaises(ValidationError) as caught:
            line.shelf_life_days = -1
        self.assertIn("保质期不能为负数", str(caught.exception))
