import logging
from decimal import Decimal

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from ..deposit_rules import amount_left_to_invoice, deposit_state
from ..deposit_rules import exceeds_order_total

_logger = logging.getLogger(__name__)

DEPOSIT_STATES = [
    ("none", "No Deposit"),
    ("to_invoice", "To Invoice"),
    ("awaiting", "Awaiting Payment"),
    ("overdue", "Overdue"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("cancelled", "Cancelled"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms",
        compute="_compute_deposit_term_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        domain="[('company_id', 'in', (False, company_id))]",
        help="The deposit invoice is created from these terms when the order is "
        "confirmed. Defaults to the customer's deposit terms, else the company's.",
    )
    deposit_amount = fields.Monetary(
        string="Deposit",
        compute="_compute_deposit_amount",
        store=True,
        currency_field="currency_id",
        help="Deposit asked on confirmation, taxes included, in the order's currency.",
    )
    deposit_state = fields.Selection(
        selection=DEPOSIT_STATES,
        string="Deposit Status",
        compute="_compute_deposit_state",
        store=True,
        index=True,
        copy=False,
        default="none",
    )
    deposit_date_due = fields.Date(
        string="Deposit Due Date",
        compute="_compute_deposit_state",
        store=True,
        copy=False,
    )
    deposit_invoice_ids = fields.Many2many(
        comodel_name="account.move",
        compute="_compute_deposit_invoice_ids",
    )
    deposit_invoice_count = fields.Integer(
        compute="_compute_deposit_invoice_ids",
    )
    deposit_amount_above_total = fields.Boolean(
        compute="_compute_deposit_amount_above_total",
    )

    @api.depends("partner_id", "company_id")
    def _compute_deposit_term_id(self):
        for order in self:
            if order.state not in ("draft", "sent"):
                continue
            order.deposit_term_id = order._get_default_deposit_term()

    @api.depends(
        "deposit_term_id.amount_type",
        "deposit_term_id.value",
        "deposit_term_id.currency_id",
        "amount_total",
        "currency_id",
        "date_order",
    )
    def _compute_deposit_amount(self):
        for order in self:
            if order.state == "sale" and order.sudo()._get_live_deposit_invoices():
                # Invoiced: the deposit asked stays what was invoiced then.
                continue
            term = order.deposit_term_id
            order.deposit_amount = term._get_deposit_amount(order) if term else 0.0

    @api.depends("deposit_amount", "amount_total")
    def _compute_deposit_amount_above_total(self):
        for order in self:
            order.deposit_amount_above_total = bool(
                order.deposit_term_id.amount_type == "fixed"
                and order.amount_total > 0
                and exceeds_order_total(
                    Decimal(str(order.deposit_amount)),
                    Decimal(str(order.amount_total)),
                    rounding=Decimal(str(order.currency_id.rounding)),
                )
            )

    @api.depends(
        "order_line.invoice_lines.move_id.is_deposit",
        "order_line.invoice_lines.move_id.state",
    )
    def _compute_deposit_invoice_ids(self):
        for order in self:
            invoices = order._get_deposit_invoices()
            order.deposit_invoice_ids = invoices
            order.deposit_invoice_count = len(invoices)

    @api.depends(
        "state",
        "deposit_amount",
        "transaction_ids.state",
        "transaction_ids.amount",
        "order_line.invoice_lines.move_id.is_deposit",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.payment_state",
        "order_line.invoice_lines.move_id.amount_residual",
        "order_line.invoice_lines.move_id.invoice_date_due",
        "order_line.invoice_lines.move_id.reversal_move_ids.state",
    )
    def _compute_deposit_state(self):
        for order in self:
            invoices = order.sudo()._get_deposit_invoices()
            rule_invoices = {
                move: move._get_deposit_rule_invoice() for move in invoices
            }
            live_posted = invoices.filtered(
                lambda move, rules=rule_invoices: (
                    rules[move].is_live and move.state == "posted"
                )
            )
            unpaid = live_posted.filtered("amount_residual") or live_posted
            order.deposit_date_due = min(
                unpaid.mapped("invoice_date_due"), default=False
            )
            currency = order.currency_id
            order.deposit_state = deposit_state(
                order.state,
                has_deposit=currency.compare_amounts(order.deposit_amount, 0) > 0,
                prepaid=currency.compare_amounts(
                    order.amount_paid, order.deposit_amount
                )
                >= 0,
                invoices=list(rule_invoices.values()),
                today=order.company_id._get_deposit_today(),
            )

    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if error or not self.deposit_amount_above_total:
            return error
        return self.env._(
            "The deposit of %(deposit)s asked by the deposit terms %(terms)s is above "
            "the total of %(order)s (%(total)s). Choose other deposit terms, or lower "
            "the fixed amount of these terms, then confirm again.",
            deposit=self.currency_id.format(self.deposit_amount),
            terms=self.deposit_term_id.display_name,
            order=self.name,
            total=self.currency_id.format(self.amount_total),
        )

    def write(self, vals):
        if "deposit_term_id" in vals:
            locked = self.filtered(
                lambda order: (
                    order.state not in ("draft", "sent")
                    and order.deposit_term_id.id != vals["deposit_term_id"]
                )
            )
            if locked:
                raise UserError(
                    self.env._(
                        "The deposit terms of %(orders)s can no longer change: they "
                        "are only chosen on quotations.",
                        orders=", ".join(locked.mapped("name")),
                    )
                )
        return super().write(vals)

    def _action_confirm(self):
        result = super()._action_confirm()
        self._create_deposit_invoices()
        return result

    def action_cancel(self):
        self._ensure_deposit_allows_cancel()
        return super().action_cancel()

    def _action_cancel(self):
        self._ensure_deposit_allows_cancel()
        return super()._action_cancel()

    def action_create_deposit_invoice(self):
        """Retry the deposit invoice of confirmed orders that have none yet."""
        # The invoice is made with elevated rights: only who may edit the order
        # may ask for it.
        self.check_access("write")
        orders = self.filtered(lambda order: order.deposit_state == "to_invoice")
        if not orders:
            raise UserError(
                self.env._(
                    "No deposit is waiting to be invoiced on %(orders)s.",
                    orders=", ".join(self.mapped("name")),
                )
            )
        invoices = orders._create_deposit_invoices(raise_on_error=True)
        if not invoices:
            raise UserError(
                self.env._(
                    "No deposit invoice was needed: the deposit is already invoiced "
                    "or paid online."
                )
            )
        return orders.action_view_deposit_invoices()

    def action_view_deposit_invoices(self):
        invoices = self.sudo()._get_deposit_invoices()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        if len(invoices) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = invoices.id
        return action

    def _get_default_deposit_term(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        partner = self.partner_id.commercial_partner_id.with_company(company)
        # An archived candidate gives way to the next one.
        for terms in (
            partner.deposit_term_id,
            company._get_deposit_risk_term(partner.deposit_risk_level),
            company.deposit_term_id,
        ):
            if terms.active:
                return terms
        return self.env["sale.deposit.term"]

    def _get_deposit_invoices(self):
        """Deposit invoices of the orders, cancelled ones included."""
        return self.order_line.filtered(
            "is_downpayment"
        ).invoice_lines.move_id.filtered("is_deposit")

    def _get_live_deposit_invoices(self):
        return self._get_deposit_invoices()._filter_live_deposits()

    def _ensure_deposit_allows_cancel(self):
        """Refuse to cancel an order whose deposit is posted or paid.

        Money was asked for or received: the accountant reverses the deposit
        invoice with a credit note (and refunds what was paid) before the order
        can be cancelled. Draft deposit invoices are cancelled with the order.
        """
        for order in self:
            posted = (
                order.sudo()
                ._get_live_deposit_invoices()
                .filtered(lambda move: move.state == "posted")
            )
            if posted:
                raise UserError(
                    self.env._(
                        "%(order)s cannot be cancelled while its deposit is posted "
                        "(%(invoices)s). Reverse the deposit with a credit note, and "
                        "refund what was paid, then cancel the order.",
                        order=order.name,
                        invoices=", ".join(posted.mapped("name")),
                    )
                )

    def _create_deposit_invoices(self, raise_on_error=False):
        """Create, post and send the deposit invoice of confirmed orders.

        Orders without deposit, already invoiced or fully paid online are skipped.
        A failure leaves the order in ``to_invoice`` with a note and an activity
        for the salesperson, or raises when ``raise_on_error`` is set.
        """
        invoices = self.env["account.move"]
        for order in self:
            if order.state != "sale" or not order.deposit_term_id:
                continue
            invoices |= order._create_deposit_invoice(raise_on_error=raise_on_error)
        return invoices

    def _create_deposit_invoice(self, raise_on_error=False):
        self.ensure_one()
        # Writing the order's row serialises two workers on the same order: the
        # second waits, then fails with a serialization error and is retried by
        # Odoo; the retry sees the first one's invoice and stops. A plain lock
        # would not do, as the second worker's snapshot could predate the first
        # one's commit.
        self.env.cr.execute(
            SQL("UPDATE sale_order SET write_date = write_date WHERE id = %s", self.id)
        )
        order = self.sudo().with_company(self.company_id)
        order.invalidate_recordset(["order_line"])
        if order._get_live_deposit_invoices():
            return self.env["account.move"]

        currency = order.currency_id
        amount = float(
            amount_left_to_invoice(
                Decimal(str(order.deposit_amount)),
                Decimal(str(order.amount_paid)),
                rounding=Decimal(str(currency.rounding)),
            )
        )
        if currency.compare_amounts(amount, 0) <= 0:
            return self.env["account.move"]

        try:
            with self.env.cr.savepoint():
                invoice = order._make_deposit_invoice(amount)
        except (UserError, ValidationError) as error:
            if raise_on_error:
                raise
            _logger.warning(
                "Deposit invoice of %s could not be created: %s", order.name, error
            )
            order._notify_deposit_failure(error)
            return self.env["account.move"]

        order._close_deposit_failure_activities()
        if order.deposit_term_id.auto_send and invoice.state == "posted":
            order._send_deposit_invoice(invoice)
        return invoice

    def _prepare_deposit_wizard_values(self, amount):
        self.ensure_one()
        return {
            "advance_payment_method": "fixed",
            "fixed_amount": amount,
            "sale_order_ids": [Command.set(self.ids)],
            "deposit_term_id": self.deposit_term_id.id,
            "deposit_invoice_date": self.company_id._get_deposit_today(),
        }

    def _make_deposit_invoice(self, amount):
        """Create the deposit invoice through Odoo's down payment wizard."""
        self.ensure_one()
        wizard = self.env["sale.advance.payment.inv"].create(
            self._prepare_deposit_wizard_values(amount)
        )
        invoice = wizard._create_invoices(self)
        if self.deposit_term_id.auto_post:
            invoice.action_post()
        return invoice

    def _send_deposit_invoice(self, invoice):
        """Queue the invoice e-mail of Odoo, with its portal link to pay online.

        The e-mail goes out from Odoo's background sending job, in its own
        transaction: a sending failure shows on the invoice and never undoes it.
        """
        self.ensure_one()
        method = self.env["account.move.send"]._get_default_sending_method(invoice)
        if method != "email":
            body = self.env._(
                "The deposit invoice %(invoice)s was not e-mailed: %(customer)s "
                "receives invoices by another means (%(method)s). Send it that way.",
                invoice=invoice._get_html_link(),
                customer=invoice.partner_id.display_name,
                method=dict(
                    invoice.partner_id._fields[
                        "invoice_sending_method"
                    ]._description_selection(self.env)
                ).get(method, method),
            )
            self.message_post(body=body, subtype_xmlid="mail.mt_note")
            return
        if not invoice.partner_id.email:
            body = self.env._(
                "The deposit invoice %(invoice)s was not e-mailed: %(customer)s has "
                "no e-mail address. Send it by hand once the address is known.",
                invoice=invoice._get_html_link(),
                customer=invoice.partner_id.display_name,
            )
            self.message_post(body=body, subtype_xmlid="mail.mt_note")
            return
        invoice._portal_ensure_token()
        # A customer signing online confirms as a portal or public user, and
        # scripts as the superuser: the e-mail then comes from the salesperson.
        author = self.env.user
        if not author._is_internal() or author._is_superuser():
            author = self.user_id or self.env.ref("base.user_root")
        invoice.sending_data = {
            "author_user_id": author.id,
            "author_partner_id": author.partner_id.id,
        }
        self.env.ref("account.ir_cron_account_move_send")._trigger()

    def _notify_deposit_failure(self, error):
        """Tell the salesperson, on the order, why the deposit invoice is missing."""
        self.ensure_one()
        summary = self.env._("Deposit invoice not created")
        note = self.env._(
            "The deposit invoice of %(order)s could not be created. Reason: "
            "%(reason)s — once it is fixed, click Create Deposit Invoice.",
            order=self.name,
            reason=str(error.args[0] if error.args else error),
        )
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        if not self._get_deposit_failure_activities():
            self.activity_schedule(
                "acompte_deposit.mail_activity_type_deposit_failure",
                summary=summary,
                note=note,
                user_id=self._get_deposit_responsible().id,
            )

    def _get_deposit_responsible(self):
        """Staff member who handles the order's deposit, never the customer."""
        self.ensure_one()
        user = self.env.user
        internal = user._is_internal() and not user._is_superuser()
        return (
            self.user_id
            or self.team_id.user_id
            or (user if internal else self.env.ref("base.user_admin"))
        )

    def _get_deposit_failure_activities(self):
        activity_type = self.env.ref(
            "acompte_deposit.mail_activity_type_deposit_failure"
        )
        return self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )

    def _close_deposit_failure_activities(self):
        activities = self._get_deposit_failure_activities()
        if activities:
            activities.action_feedback(
                feedback=Markup("<p>%s</p>")
                % self.env._("The deposit invoice was created.")
            )

    @api.model
    def _cron_update_deposit_state(self):
        """Move deposits whose due date has passed to ``overdue``.

        The status is stored; this scheduled action refreshes it the day after the
        due date, in each company's time zone, without anyone opening the order.
        """
        # No time zone is a day ahead of UTC + 1: take every candidate in one
        # search, then compare with each company's own date.
        candidates = self.sudo().search(
            [
                ("deposit_state", "in", ("awaiting", "partial")),
                ("deposit_date_due", "<", fields.Date.add(fields.Date.today(), days=2)),
            ]
        )
        today_by_company = {
            company: company._get_deposit_today() for company in candidates.company_id
        }
        overdue = candidates.filtered(
            lambda order: order.deposit_date_due < today_by_company[order.company_id]
        )
        if overdue:
            self.env.add_to_compute(self._fields["deposit_state"], overdue)
            overdue.flush_recordset(["deposit_state"])
        _logger.info("Deposit status refreshed: %s orders now overdue", len(overdue))
