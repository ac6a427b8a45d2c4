# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Level advice (issue 12, item 4; SPEC Q3: purchasing tunes the rules).

For each agreement line, a recommended reorder point and maximum for the
coming period (``logic/levels.py``): from the mean and the standard deviation
of its daily consumption over the last 90 days, the agreement's lead time and
review interval, for the target cycle service level set on the agreement.
Shown beside today's levels on the agreement's lines; a VMI manager applies
it with one click (per line or for all), logged on the agreement's chatter.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..logic import levels


class VmiAgreement(models.Model):
    _inherit = "vmi.agreement"  # pylint: disable=consider-merging-classes-inherited

    service_level = fields.Float(
        string="Target Service Level (%)",
        default=95.0,
        required=True,
        tracking=True,
        help="Share of review cycles that should pass without a stock-out (cycle service level). "
        "The level advice sizes each product's reorder point for it, from the variability of its "
        "daily consumption over the last 90 days, the lead time and the review interval.",
    )

    @api.constrains("service_level")
    def _check_service_level(self):
        for agreement in self:
            if not levels.SERVICE_LEVEL_MIN <= agreement.service_level <= levels.SERVICE_LEVEL_MAX:
                raise ValidationError(
                    self.env._(
                        "%(agreement)s: the target service level must be between %(min)s %% and %(max)s %%.",
                        agreement=agreement.name,
                        min=levels.SERVICE_LEVEL_MIN,
                        max=levels.SERVICE_LEVEL_MAX,
                    )
                )

    def action_apply_level_advice(self):
        """Button: apply the level advice to every product of the agreements
        (VMI managers)."""
        return self.line_ids._vmi_apply_level_advice()

    def _vmi_log_level_advice(self, lines, advice, old, changed):
        """Note on the agreement's chatter what applying the level advice to
        ``lines`` did (``old``: their levels before, ``changed``: the ids
        written), in the responsible buyer's language (else the user's)."""
        self.ensure_one()
        agreement = self.with_context(lang=self.user_id.lang or self.env.lang)
        env = agreement.env
        fmt = agreement._vmi_format_quantity
        items = []
        for line in lines.with_env(env):
            figures = advice[line.id]
            rop, max_qty = old[line.id]
            if line.id in changed:
                text = env._(
                    "%(product)s: reorder point %(old_rop)s -> %(new_rop)s, maximum %(old_max)s -> "
                    "%(new_max)s (%(note)s)",
                    product=line.product_id.display_name,
                    old_rop=fmt(rop),
                    new_rop=fmt(figures["reorder_point"]),
                    old_max=fmt(max_qty),
                    new_max=fmt(figures["max_qty"]),
                    note=line._vmi_level_advice_text(figures),
                )
            elif figures["has_advice"]:
                text = env._(
                    "%(product)s: unchanged (reorder point %(rop)s, maximum %(max)s)",
                    product=line.product_id.display_name,
                    rop=fmt(rop),
                    max=fmt(max_qty),
                )
            else:
                text = env._(
                    "%(product)s: unchanged. %(note)s",
                    product=line.product_id.display_name,
                    note=line._vmi_level_advice_text(figures),
                )
            items.append(Markup("<li>%s</li>") % text)
        first = advice[lines[0].id]
        intro = env._(
            "Level advice applied by %(user)s for a target service level of %(level)s %%, from the "
            "consumption of %(date_from)s to %(date_to)s, a lead time of %(lead)s days and a review "
            "every %(review)s days:",
            user=self.env.user.name,
            level=fmt(self.service_level),
            date_from=format_date(env, first["date_from"]),
            date_to=format_date(env, first["date_to"]),
            lead=self.lead_days,
            review=self.review_interval_days,
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (intro, Markup("").join(items))
        self.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")


class VmiAgreementLine(models.Model):
    _inherit = "vmi.agreement.line"  # pylint: disable=consider-merging-classes-inherited

    advised_reorder_point = fields.Float(
        compute="_compute_level_advice",
        digits="Product Unit of Measure",
        help="Reorder point that holds the agreement's target service level, from the daily "
        "consumption of the last 90 days, the lead time and the review interval "
        "(empty without enough history).",
    )
    advised_max_qty = fields.Float(
        string="Advised Maximum",
        compute="_compute_level_advice",
        digits="Product Unit of Measure",
        help="Advised reorder point plus the mean demand of one review interval (at least one pack).",
    )
    level_advice_note = fields.Char(
        compute="_compute_level_advice",
        help="The figures behind the advice, or why there is none.",
    )

    # Days of consumption history the advice reads (ending yesterday).
    _VMI_LEVEL_ADVICE_DAYS = 90

    def _compute_level_advice(self):
        # The saved lines' advice (a line being edited in the form: its origin's).
        advice = self._origin._vmi_level_advice()
        for line in self:
            figures = advice.get(line._origin.id)
            if figures and figures["has_advice"]:
                line.advised_reorder_point = figures["reorder_point"]
                line.advised_max_qty = figures["max_qty"]
            else:
                line.advised_reorder_point = line.advised_max_qty = False
            line.level_advice_note = line._vmi_level_advice_text(figures) if figures else False

    # ------------------------------------------------------------------
    # The advice: one grouped query for all lines
    # ------------------------------------------------------------------
    def _vmi_level_advice_tz(self):
        """Time zone of the days the consumption is grouped by: the
        reader's (context), else UTC."""
        name = self.env.context.get("tz") or "UTC"
        return pytz.timezone(name) if name in pytz.all_timezones_set else pytz.utc

    def _vmi_level_advice(self, today=None):
        """``{line id: figures}``: the level advice of each line of ``self``
        (:func:`stock_vmi.logic.levels.advise_from_history`). ``figures``:

        * ``reorder_point``, ``max_qty``, ``safety_stock``, ``service_level``
          (percent, the agreement's target): floats. Without advice
          (``has_advice`` False) the line's current levels and a safety
          stock of 0;
        * ``has_advice`` and ``reason`` (None, ``"no_history"``: fewer than
          14 days since the agreement started; ``"no_demand"``: nothing
          consumed in the window);
        * ``mean_daily``, ``sigma_daily`` (daily demand: mean and standard
          deviation), ``sigma_cover`` (of the demand over the cover days, as
          used), ``days`` (days of history used), ``consumed`` (their total),
          ``date_from`` and ``date_to`` (first and last day of the window),
          ``lead_days``, ``review_days``, ``cover_days``.

        The window is the last 90 days up to yesterday (today is not over),
        from the agreement's start at the latest; days without consumption
        count as zero demand. One ``_read_group`` (consumption by line and
        day) for all the lines, whatever their number."""
        today = today or fields.Date.context_today(self)
        window = self._VMI_LEVEL_ADVICE_DAYS
        first = today - timedelta(days=window)
        lines = self.filtered("id")
        daily = self._vmi_daily_consumption(first, today) if lines else {}
        result = {}
        for line in lines:
            agreement = line.agreement_id
            start = max(first, agreement.date_start or first)
            days = max((today - start).days, 0)
            by_day = daily.get(line.id, {})
            series = [by_day.get(start + timedelta(days=n), 0.0) for n in range(days)]
            advice, reason = levels.advise_from_history(
                series,
                agreement.lead_days,
                agreement.review_interval_days,
                agreement.service_level,
                line.pack_multiple,
            )
            figures = {
                "has_advice": advice is not None,
                "reason": reason,
                "service_level": agreement.service_level,
                "days": days,
                "consumed": sum(series),
                "date_from": start,
                "date_to": today - timedelta(days=1),
                "lead_days": agreement.lead_days,
                "review_days": agreement.review_interval_days,
            }
            if advice is None:
                mean, sigma = levels.daily_demand_stats(series)
                figures.update(
                    reorder_point=line.reorder_point,
                    max_qty=line.max_qty,
                    safety_stock=0.0,
                    mean_daily=mean,
                    sigma_daily=sigma,
                    sigma_cover=0.0,
                    cover_days=0,
                )
            else:
                figures.update(
                    reorder_point=advice.reorder_point,
                    max_qty=advice.max_qty,
                    safety_stock=advice.safety_stock,
                    mean_daily=advice.mean_daily,
                    sigma_daily=advice.sigma_daily,
                    sigma_cover=advice.sigma_cover,
                    cover_days=advice.cover_days,
                )
            result[line.id] = figures
        return result

    def _vmi_daily_consumption(self, first, end):
        """``{line id: {date: quantity}}``: what each line consumed each day
        from ``first`` to the day before ``end`` (days of the reader's time
        zone, ``_vmi_level_advice_tz``), net of returns. One grouped query."""
        tz = self._vmi_level_advice_tz()

        def utc(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

        result = defaultdict(dict)
        Consumption = self.env["vmi.consumption"].sudo().with_context(tz=tz.zone)
        for line, day, qty in Consumption._read_group(
            [
                ("agreement_line_id", "in", self.ids),
                ("date", ">=", utc(first)),
                ("date", "<", utc(end)),
            ],
            ["agreement_line_id", "date:day"],
            ["quantity:sum"],
        ):
            day = day.date() if isinstance(day, datetime) else day
            result[line.id][day] = qty
        return result

    def _vmi_level_advice_text(self, figures):
        """One sentence on the advice of this line, in the context's
        language: the figures behind it, or why there is none."""
        fmt = self.agreement_id._vmi_format_quantity
        if figures["reason"] == levels.NO_HISTORY:
            return self.env._(
                "No advice: only %(days)s days of history (at least %(min)s are needed).",
                days=figures["days"],
                min=levels.MIN_HISTORY_DAYS,
            )
        if figures["reason"] == levels.NO_DEMAND:
            return self.env._("No advice: nothing consumed in the last %(days)s days.", days=figures["days"])
        return self.env._(
            "%(level)s %%: %(mean)s a day on average (standard deviation %(sigma)s) over %(days)s days, "
            "safety stock %(safety)s for %(cover)s days of lead time and review.",
            level=fmt(figures["service_level"]),
            mean=fmt(round(figures["mean_daily"], 2)),
            sigma=fmt(round(figures["sigma_daily"], 2)),
            days=figures["days"],
            safety=fmt(round(figures["safety_stock"], 2)),
            cover=figures["cover_days"],
        )

    # ------------------------------------------------------------------
    # Apply: VMI managers, logged on the agreement
    # ------------------------------------------------------------------
    def action_apply_level_advice(self):
        """Button on a line: apply its level advice."""
        return self._vmi_apply_level_advice()

    def _vmi_apply_level_advice(self):
        """Write the advised reorder point and maximum on the lines of
        ``self`` that have advice (VMI managers only: writing agreement
        lines is theirs, ``ir.model.access``), and log old -> new per
        product, the target service level and the data used on each
        agreement's chatter, in its buyer's language. Lines of closed
        agreements are refused; lines without advice are left as they are
        (the message says why). Returns a notification."""
        self.check_access("write")
        closed = self.agreement_id.filtered(lambda a: a.state == "closed")
        if closed:
            raise UserError(
                self.env._("%(agreement)s is closed: its levels cannot change.", agreement=closed[0].name)
            )
        advice = self._vmi_level_advice()
        if not any(figures["has_advice"] for figures in advice.values()):
            raise UserError(
                self.env._(
                    "No level advice to apply: the products need at least %(min)s days of history with "
                    "some consumption.",
                    min=levels.MIN_HISTORY_DAYS,
                )
            )
        old = {line.id: (line.reorder_point, line.max_qty) for line in self}
        ids_by_levels = defaultdict(list)
        for line in self:
            figures = advice[line.id]
            new = (figures["reorder_point"], figures["max_qty"])
            if figures["has_advice"] and new != old[line.id]:
                ids_by_levels[new].append(line.id)
        for (reorder_point, max_qty), ids in ids_by_levels.items():
            self.browse(ids).write({"reorder_point": reorder_point, "max_qty": max_qty})
        changed = {line_id for ids in ids_by_levels.values() for line_id in ids}
        ids_by_agreement = defaultdict(list)
        for line in self:
            ids_by_agreement[line.agreement_id].append(line.id)
        for agreement, ids in ids_by_agreement.items():
            agreement._vmi_log_level_advice(self.browse(ids), advice, old, changed)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if changed else "info",
                "message": (
                    self.env._("Level advice applied to %(count)s products.", count=len(changed))
                    if changed
                    else self.env._("The levels already follow the advice: nothing changed.")
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
