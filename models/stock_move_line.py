# Copyright 2026 stock_vmi contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, formatLang

from ..logic import counts


class StockMoveLine(models.Model):
    """Ownership and consumption at the moment stock moves.

    * Entering a VMI location, stock is owned by the agreement's supplier
      (receipts carry that owner; company or other suppliers' stock is
      refused, returns of consumption go back to the supplier).
    * Leaving a VMI location (to production, a company location, scrap,
      inventory loss), it becomes the company's: the destination quant has no
      owner, a consumption is recorded and, into a company stock location,
      valuation starts at the agreed price.
    * Returning to the supplier's own location is not consumption.
    """

    _inherit = "stock.move.line"

    # ------------------------------------------------------------------
    # Predicates
    # ------------------------------------------------------------------
    def _vmi_is_consumption(self):
        """Stock leaves a VMI location for somewhere that is not the supplier
        (its own location) nor another VMI location."""
        self.ensure_one()
        return (
            self.location_id.vmi_location
            and not self.location_dest_id.vmi_location
            and self.location_dest_id.usage != "supplier"
        )

    def _vmi_is_entry(self):
        """Stock enters a VMI location from outside VMI."""
        self.ensure_one()
        return self.location_dest_id.vmi_location and not self.location_id.vmi_location

    def _should_exclude_for_valuation(self):
        """Standard valuation ignores moves into or out of a VMI location: the
        stock there is the supplier's, whatever the move line says when
        stock_account classifies the move (before the owner is set). The
        consumption hook values what changes hands (``_vmi_value``)."""
        return super()._should_exclude_for_valuation() or bool(
            self.location_id.vmi_location or self.location_dest_id.vmi_location
        )

    def _vmi_is_return_of_consumption(self):
        """The move returns goods that were consumed from a VMI location (a
        return of a consumption move, or an inventory gain): the supplier owns
        them again and the consumption is reversed."""
        self.ensure_one()
        if self.location_id.usage == "supplier":
            return False  # a receipt (even the return of a return to the supplier)
        origin = self.move_id.origin_returned_move_id
        return bool(
            self.is_inventory
            or (origin and origin.location_id.vmi_location and origin.location_dest_id.usage != "supplier")
        )

    def _vmi_line(self, line_map, location, owner=None):
        """The agreement line that governs this move line's product in VMI
        ``location``: the line of the stock's ``owner`` when given (after a
        change of supplier, each supplier's units stay billed to it), else the
        active agreement's line. ``None`` when no agreement covers it."""
        self.ensure_one()
        lines = line_map.get((location.vmi_location_id.id, self.product_id.id))
        if not lines:
            return None
        if owner:
            lines = lines.filtered(
                lambda ln: ln.partner_id.commercial_partner_id == owner.commercial_partner_id
            )
        return lines[:1] or None

    # ------------------------------------------------------------------
    # Hooks into the quant update
    # ------------------------------------------------------------------
    def _action_done(self):
        storable = self.filtered(lambda ml: ml.product_id.is_storable)
        relevant = storable.filtered(
            lambda ml: ml.location_id.vmi_location or ml.location_dest_id.vmi_location
        )
        if not relevant:
            return super()._action_done()
        line_map = self.env["vmi.agreement"]._get_active_lines_map(
            set((relevant.location_id | relevant.location_dest_id).vmi_location_id.ids),
            set(relevant.product_id.ids),
        )
        returned = relevant._vmi_get_returned_consumptions()
        dest_owner = relevant._vmi_prepare_owners(line_map, returned)
        res = super(StockMoveLine, self.with_context(vmi_dest_owner=dest_owner))._action_done()
        relevant.exists()._vmi_record_consumption(line_map, returned)
        return res

    def _vmi_prepare_owners(self, line_map, returned):
        """Check what may enter VMI locations and set owners before the quants
        move. Returns ``{move line id: owner}`` of the destination quants."""
        dest_owner = {}
        owner_writes = defaultdict(list)
        Partner = self.env["res.partner"]
        for ml in self:
            if ml._vmi_is_entry():
                supplier, set_owner = ml._vmi_check_entry(line_map, returned)
                if set_owner:
                    owner_writes[supplier].append(ml.id)
                dest_owner[ml.id] = supplier
            elif ml.location_id.vmi_location:
                if (
                    ml.location_dest_id.vmi_location
                    and ml.location_dest_id.vmi_location_id != ml.location_id.vmi_location_id
                ):
                    raise UserError(
                        self.env._(
                            "%(product)s cannot move from VMI location %(from_location)s to another "
                            "VMI location, %(to_location)s: consume it or return it to the supplier first.",
                            product=ml.product_id.display_name,
                            from_location=ml.location_id.vmi_location_id.display_name,
                            to_location=ml.location_dest_id.vmi_location_id.display_name,
                        )
                    )
                if not ml.owner_id:
                    line = ml._vmi_line(line_map, ml.location_id)
                    if line:
                        # Quants in a VMI location are the supplier's: take them.
                        owner_writes[line.partner_id].append(ml.id)
                if ml._vmi_is_consumption():
                    dest_owner[ml.id] = Partner
        for owner, ml_ids in owner_writes.items():
            self.browse(ml_ids).write({"owner_id": owner.id})
        return dest_owner

    def _vmi_check_entry(self, line_map, returned):
        """Stock entering a VMI location: only the agreement supplier's receipts,
        returns of consumption and inventory adjustments may. Returns
        ``(supplier, whether the move line must carry it as owner)``."""
        self.ensure_one()
        owner = self.owner_id or self.move_id.restrict_partner_id
        from_supplier = self.location_id.usage == "supplier"
        dest = self.location_dest_id
        line = (from_supplier and owner and self._vmi_line(line_map, dest, owner)) or self._vmi_line(
            line_map, dest
        )
        original = None if from_supplier else returned.get(self.move_id.origin_returned_move_id.id)
        if original and original.agreement_line_id:
            # A return goes back to the supplier whose consumption it reverses.
            line = original.agreement_line_id
        if not line:
            raise UserError(
                self.env._(
                    "%(product)s cannot enter VMI location %(location)s: no active VMI "
                    "agreement covers it there.",
                    product=self.product_id.display_name,
                    location=dest.display_name,
                )
            )
        supplier = line.partner_id
        if from_supplier:
            # The receipt's owner: set on the line (picking owner) or declared
            # by the move; else the vendor it comes from. Another vendor's goods
            # (e.g. a regular purchase order delivered here) would be billed
            # twice, from their order and as consumption: refuse.
            vendor = self.move_id.purchase_line_id.order_id.partner_id or self.move_id.picking_id.partner_id
            owner = owner or vendor
            if owner and owner.commercial_partner_id != supplier.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "%(product)s owned by %(owner)s cannot enter VMI location %(location)s: "
                        "only stock owned by %(supplier)s can.",
                        product=self.product_id.display_name,
                        owner=owner.display_name,
                        location=dest.display_name,
                        supplier=supplier.display_name,
                    )
                )
            return supplier, self.owner_id != supplier
        if self._vmi_is_return_of_consumption():
            # From a non-stock location no quant is taken at the source: the
            # owner only marks the destination (and keeps it out of valuation).
            return supplier, self.location_id.usage not in (
                "internal",
                "transit",
            ) and self.owner_id != supplier
        raise UserError(
            self.env._(
                "Only stock owned by %(supplier)s can enter VMI location %(location)s "
                "(%(product)s comes from %(from_location)s). Receive it from the supplier, or "
                "return a consumption.",
                supplier=supplier.display_name,
                location=dest.display_name,
                product=self.product_id.display_name,
                from_location=self.location_id.display_name,
            )
        )

    def _synchronize_quant(self, quantity, location, action="available", in_date=False, **quants_value):
        dest_owner = self.env.context.get("vmi_dest_owner")
        if (
            dest_owner
            and action == "available"
            and "owner" not in quants_value
            and "package" in quants_value
            and self.id in dest_owner
            and location == self.location_dest_id
        ):
            quants_value["owner"] = dest_owner[self.id]
        return super()._synchronize_quant(quantity, location, action=action, in_date=in_date, **quants_value)

    # ------------------------------------------------------------------
    # Consumption records and valuation
    # ------------------------------------------------------------------
    def _vmi_record_consumption(self, line_map, returned):
        vals_list = []
        to_value = defaultdict(list)
        to_produce = defaultdict(list)
        to_expense = []
        found = []
        count_left = self._vmi_unbilled_count_losses(line_map)
        consumed = returned
        for ml in self:
            original = None
            quantity = None
            if ml._vmi_is_consumption():
                line = ml._vmi_line(line_map, ml.location_id, ml.owner_id)
                sign = 1
            elif ml._vmi_is_entry() and ml._vmi_is_return_of_consumption():
                original = consumed.get(ml.move_id.origin_returned_move_id.id)
                line = (original and original.agreement_line_id) or ml._vmi_line(
                    line_map, ml.location_dest_id
                )
                sign = -1
            else:
                continue
            if not line:
                # Ownership already passed to the company: never let it go unbilled.
                raise UserError(
                    self.env._(
                        "%(product)s leaves VMI location %(location)s but no VMI agreement covers it "
                        "there: its consumption could not be recorded for billing.",
                        product=ml.product_id.display_name,
                        location=ml.location_id.display_name,
                    )
                )
            price = None
            if original:
                # A return is credited at the price its consumption was billed.
                price = original.uom_id._compute_price(original.price_unit, line.product_uom_id)
            elif sign < 0 and ml.is_inventory:
                quantity, price = ml._vmi_split_count_gain(line, count_left, found)
                if not quantity:
                    continue
            vals = ml._vmi_prepare_consumption(line, sign, price_unit=price, quantity=quantity)
            vals_list.append(vals)
            company_side = ml.location_dest_id if sign > 0 else ml.location_id
            if company_side.usage == "internal" and not company_side.vmi_location:
                to_value[sign].append((ml, line))
            elif company_side.usage == "production":
                to_produce[sign].append((ml, line, vals))
            elif ml.product_id.with_company(ml.company_id).valuation == "real_time":
                to_expense.append((ml, line, vals))
        if vals_list:
            self.env["vmi.consumption"].sudo().create(vals_list)
        for sign, pairs in to_value.items():
            self._vmi_value(pairs, sign)
        for sign, triples in to_produce.items():
            self._vmi_value_production(triples, sign)
        if to_expense:
            entries = [ml._vmi_prepare_expense_entry(line, vals) for ml, line, vals in to_expense]
            self.env["account.move"].sudo().create(entries)._post()
        if found:
            self._vmi_note_count_gains(found)

    def _vmi_line_quantity(self, line):
        """This move line's quantity in the unit of agreement ``line``."""
        self.ensure_one()
        return self.product_id.uom_id._compute_quantity(
            self.quantity_product_uom, line.product_uom_id, round=False
        )

    def _vmi_split_count_gain(self, line, count_left, found):
        """A count above the records (``logic/counts.py``): it undoes the
        unbilled count losses of ``line`` first, at their price; the rest is
        the supplier's stock that was never recorded, appended to ``found``
        (no consumption, no credit). Returns ``(quantity to reverse, its
        price)``; updates ``count_left``."""
        self.ensure_one()
        left_qty, left_amount = count_left.get(line.id, (0.0, 0.0))
        quantity, added = counts.split_count_gain(self._vmi_line_quantity(line), left_qty)
        if added:
            found.append((self, line, added))
        if not quantity:
            return 0.0, None
        price = left_amount / left_qty
        count_left[line.id] = (left_qty - quantity, left_amount - quantity * price)
        return quantity, price

    def _vmi_unbilled_count_losses(self, line_map):
        """``{agreement line id: (quantity, amount)}`` of the count losses
        (net of their reversals) that no settlement has billed yet, for the
        lines of the count gains in ``self``. One query."""
        gains = self.filtered(
            lambda ml: ml.is_inventory and ml._vmi_is_entry() and not ml.location_id.vmi_location
        )
        line_ids = set()
        for ml in gains:
            line = ml._vmi_line(line_map, ml.location_dest_id)
            if line:
                line_ids.add(line.id)
        if not line_ids:
            return {}
        groups = (
            self.env["vmi.consumption"]
            .sudo()
            ._read_group(
                [
                    ("agreement_line_id", "in", list(line_ids)),
                    ("is_count", "=", True),
                    ("settlement_id", "=", False),
                ],
                ["agreement_line_id"],
                ["quantity:sum", "amount:sum"],
            )
        )
        return {line.id: (qty, amount) for line, qty, amount in groups if qty > 0}

    def _vmi_note_count_gains(self, found):
        """Tell the agreement (in its buyer's language) that a count found
        supplier-owned stock that was never recorded, added with no consumption
        and no credit."""
        by_agreement = defaultdict(list)
        for ml, line, added in found:
            by_agreement[line.agreement_id].append((ml, line, added))
        for agreement, items in by_agreement.items():
            agreement = agreement.sudo()
            lang = agreement.user_id.lang or agreement.company_id.partner_id.lang
            env = agreement.with_context(lang=lang).env
            rows = Markup("").join(
                Markup("<li>%s</li>")
                % env._(
                    "%(product)s: %(quantity)s %(unit)s more than recorded in %(location)s (%(reference)s)",
                    product=ml.product_id.display_name,
                    quantity=formatLang(env, added, digits=0 if float(added).is_integer() else 3),
                    unit=line.product_uom_id.name,
                    location=ml.location_dest_id.display_name,
                    reference=ml.move_id.reference or "",
                )
                for ml, line, added in items
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                env._(
                    "A stock count found more stock of %(supplier)s than recorded. It was added to "
                    "the supplier's stock: nothing is billed or credited for it.",
                    supplier=agreement.partner_id.display_name,
                ),
                rows,
            )
            agreement.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")

    def _vmi_get_returned_consumptions(self):
        """``{returned move id: consumption}`` of the consumption that the
        moves of ``self`` return: a return goes back to that agreement (its
        supplier) and is credited at the price that consumption was billed,
        even if the agreed price changed since. One query."""
        returned = self.move_id.origin_returned_move_id
        if not returned:
            return {}
        consumptions = (
            self.env["vmi.consumption"]
            .sudo()
            .search_fetch(
                [("move_id", "in", returned.ids), ("is_return", "=", False)],
                ["move_id", "uom_id", "price_unit", "agreement_line_id"],
            )
        )
        return {c.move_id.id: c for c in consumptions}

    def _vmi_prepare_consumption(self, line, sign, price_unit=None, quantity=None):
        """Extension point: values of the consumption record of this move line
        (at the agreed price of ``line`` unless ``price_unit`` is given; of
        its whole quantity unless ``quantity``, in the line's unit, is)."""
        self.ensure_one()
        qty = self._vmi_line_quantity(line) if quantity is None else quantity
        move = self.move_id
        return {
            "date": fields.Datetime.now(),
            "agreement_id": line.agreement_id.id,
            "agreement_line_id": line.id,
            "product_id": self.product_id.id,
            "quantity": sign * qty,
            "uom_id": line.product_uom_id.id,
            "price_unit": line.price_unit if price_unit is None else price_unit,
            "move_id": move.id,
            "move_line_id": self.id,
            "location_dest_id": self.location_dest_id.id,
            # The source document (MO, scrap...) when there is one, else the
            # transfer's reference (``reference`` is never empty).
            "origin": move.origin or move.reference or "",
            "is_return": sign < 0,
            "is_count": self.is_inventory,
        }

    def _vmi_value(self, pairs, sign):
        """Valuation of consigned stock changing hands inside the company:
        consumed into a company stock location it enters the valuation at the
        agreed price (in AVCO/FIFO also the product's cost, as a receipt
        would); returned from one it leaves the valuation."""
        prices = {}
        if sign > 0:
            for ml, line in pairs:
                prices[ml.id] = ml._vmi_company_cost(line)
            self._vmi_update_cost(pairs, prices)
        svl_vals_list = []
        for ml, _line in pairs:
            product = ml.product_id.with_company(ml.company_id)
            qty = ml.quantity_product_uom
            if sign > 0:
                vals = product._prepare_in_svl_vals(qty, prices[ml.id])
            else:
                vals = product._prepare_out_svl_vals(qty, ml.company_id)
            vals.update(ml.move_id._prepare_common_svl_vals())
            vals["description"] = self.env._(
                "VMI consumption: %s", vals.get("description") or product.display_name
            )
            svl_vals_list.append(vals)
        layers = self.env["stock.valuation.layer"].sudo().create(svl_vals_list)
        entry_vals = [
            ml._vmi_prepare_valuation_entry(svl, sign)
            for (ml, _line), svl in zip(pairs, layers, strict=True)
            if svl.product_id.with_company(svl.company_id).valuation == "real_time"
        ]
        if entry_vals:
            self.env["account.move"].sudo().create(entry_vals)._post()

    def _vmi_company_cost(self, line, price_unit=None):
        """Unit cost, in the product's unit and the company's currency, at
        which this move line's consigned units enter the company's valuation:
        the agreed price of ``line`` (or ``price_unit``, in the line's unit and
        currency), or the standard price of a standard-cost product, which
        Odoo values at standard whatever it paid (the settlement's bill then
        posts the difference to the price difference account, as for a
        purchase)."""
        self.ensure_one()
        product = self.product_id.with_company(self.company_id)
        if product.cost_method == "standard":
            return product.standard_price
        price = line.product_uom_id._compute_price(
            line.price_unit if price_unit is None else price_unit, product.uom_id
        )
        return line.currency_id._convert(
            price, self.company_id.currency_id, self.company_id, fields.Date.context_today(self), round=False
        )

    def _vmi_value_production(self, triples, sign):
        """Consigned units consumed by production (components drawn from the
        VMI location by a manufacturing order) are costed as the company's own
        components are: they enter the company's valuation at the agreed price,
        as a receipt would (a layer of their own; stock input credited, which
        the settlement's bill clears), and leave it on the move to production
        (the move's layer), which Odoo's production costing reads
        (``mrp_account``: the finished product costs what its components'
        layers are worth). A return from production (an unbuild into the VMI
        location) is the mirror image: the move's layer brings the units back
        from production at the price they were billed, a layer of their own
        gives them back to the supplier. The two layers cancel out: the
        product's valued quantity, value and AVCO/FIFO cost do not change.

        ``triples``: ``(move line, agreement line, consumption values)``."""
        Layer = self.env["stock.valuation.layer"].sudo()
        vals_list = []
        for ml, line, vals in triples:
            product = ml.product_id.with_company(ml.company_id)
            qty = ml.quantity_product_uom
            cost = ml._vmi_company_cost(line, vals["price_unit"])
            value = ml.company_id.currency_id.round(cost * qty)
            reference = ml.move_id.reference or product.display_name
            supplier = line.agreement_id.partner_id.display_name
            move_layer = dict(
                ml.move_id._prepare_common_svl_vals(),
                quantity=-sign * qty,
                unit_cost=cost,
                value=-sign * value,
                remaining_qty=0.0,
                remaining_value=0.0,
            )
            own_layer = {
                "product_id": product.id,
                "company_id": ml.company_id.id,
                "quantity": sign * qty,
                "unit_cost": cost,
                "value": sign * value,
                "remaining_qty": 0.0,
                "remaining_value": 0.0,
                "description": (
                    self.env._(
                        "VMI consumption: %(reference)s - from %(supplier)s",
                        reference=reference,
                        supplier=supplier,
                    )
                    if sign > 0
                    else self.env._(
                        "VMI return: %(reference)s - back to %(supplier)s",
                        reference=reference,
                        supplier=supplier,
                    )
                ),
            }
            vals_list += [move_layer, own_layer]
        layers = Layer.create(vals_list)
        entry_vals = []
        for (ml, _line, _vals), move_layer, own_layer in zip(
            triples, layers[0::2], layers[1::2], strict=True
        ):
            if move_layer.product_id.with_company(ml.company_id).valuation != "real_time":
                continue
            move = ml.move_id.with_company(ml.company_id)
            journal_id, acc_src, acc_dest, acc_valuation = move._get_accounting_data_for_valuation()
            # To production: debit production (or stock output), credit the
            # stock; back from it (unbuild): the reverse.
            credit, debit = (acc_valuation, acc_dest) if sign > 0 else (acc_src, acc_valuation)
            entry_vals.append(
                move._prepare_account_move_vals(
                    credit,
                    debit,
                    journal_id,
                    abs(move_layer.quantity),
                    move_layer.description,
                    move_layer.id,
                    abs(move_layer.value),
                )
            )
            entry_vals.append(ml._vmi_prepare_valuation_entry(own_layer, sign))
        if entry_vals:
            self.env["account.move"].sudo().create(entry_vals)._post()

    def _vmi_update_cost(self, pairs, prices):
        """AVCO/FIFO: consumed units enter the product's cost at the agreed
        price ``prices[move line id]`` (in the product's unit and the company's
        currency), as stock_account does for receipts
        (``product_price_update_before_done``)."""
        by_product = defaultdict(list)
        for ml, _line in pairs:
            by_product[ml.company_id, ml.product_id].append(ml)
        for (company, product), mls in by_product.items():
            product = product.with_company(company)
            if product.cost_method == "standard":
                continue
            rounding = product.uom_id.rounding
            # Batch-computed for all products (non-stored compute, prefetched).
            qty_valued = product.sudo().quantity_svl
            cost = product.standard_price
            for ml in mls:
                qty = ml.quantity_product_uom
                if float_is_zero(qty_valued, precision_rounding=rounding) or float_is_zero(
                    qty_valued + qty, precision_rounding=rounding
                ):
                    cost = prices[ml.id]
                else:
                    cost = (cost * qty_valued + prices[ml.id] * qty) / (qty_valued + qty)
                qty_valued += qty
            product.with_context(disable_auto_svl=True).sudo().write({"standard_price": cost})

    def _vmi_accounts(self, required):
        """Stock accounts and journal of this move line's product in its
        company; a clear error when one of ``required`` is not set."""
        self.ensure_one()
        product = self.product_id.with_company(self.company_id)
        accounts = product.product_tmpl_id.with_company(self.company_id).get_product_accounts()
        if not all(accounts.get(key) for key in required):
            raise UserError(
                self.env._(
                    "Set the stock accounts and the stock journal of %s's category to account for "
                    "VMI consumption.",
                    product.display_name,
                )
            )
        return accounts

    def _vmi_prepare_expense_entry(self, line, consumption_vals):
        """Automated valuation, consumption that leaves the stock (production,
        scrap, inventory loss): expense the agreed value against the stock
        input account, which the settlement's vendor bill debits (Odoo puts a
        storable product's bill line on stock input in automated valuation).
        A return reverses it. Built with stock_account's own
        ``_prepare_account_move_vals``, without a valuation layer."""
        accounts = self._vmi_accounts(("stock_input", "stock_journal"))
        consumed = consumption_vals["quantity"] > 0
        location = self.location_dest_id if consumed else self.location_id
        expense = (
            location.valuation_in_account_id if consumed else location.valuation_out_account_id
        ) or accounts.get("expense")
        if not expense:
            raise UserError(
                self.env._(
                    "Set the expense account of %s's category to account for VMI consumption.",
                    self.product_id.display_name,
                )
            )
        qty = line.product_uom_id._compute_quantity(
            abs(consumption_vals["quantity"]), self.product_id.uom_id, round=False
        )
        amount = self.company_id.currency_id.round(
            qty * self._vmi_company_cost(line, consumption_vals["price_unit"])
        )
        debit, credit = (expense, accounts["stock_input"]) if consumed else (accounts["stock_input"], expense)
        description = self.env._(
            "VMI consumption: %(ref)s - %(product)s", ref=self.move_id.reference, product=self.product_id.name
        )
        vals = self.move_id._prepare_account_move_vals(
            credit.id,
            debit.id,
            accounts["stock_journal"].id,
            qty,
            description,
            False,
            amount,
        )
        vals.pop("stock_valuation_layer_ids", None)
        return vals

    def _vmi_prepare_valuation_entry(self, svl, sign):
        """Values of the journal entry of a VMI valuation layer (automated
        valuation): stock valuation against stock input, reversed for a return
        (the settlement's bill or credit note is posted on stock input)."""
        accounts = self._vmi_accounts(("stock_valuation", "stock_input", "stock_journal"))
        valuation, counterpart = accounts["stock_valuation"], accounts["stock_input"]
        debit, credit = (valuation, counterpart) if sign > 0 else (counterpart, valuation)
        return self.move_id._prepare_account_move_vals(
            credit.id,
            debit.id,
            accounts["stock_journal"].id,
            abs(svl.quantity),
            svl.description,
            svl.id,
            abs(svl.value),
        )
