import logging
from collections import Counter, namedtuple
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL, format_amount, format_date
from psycopg2 import OperationalError

from ..deposit_rules import (
    DepositInvoice,
    due_reminder_level,
    is_on_hold,
    next_manual_level,
)
from ..deposit_rules import state as state_rules

_logger = logging.getLogger(__name__)

# Invoices locked and processed per transaction by the reminder run, and
# transactions per run before it hands over to a new run of the scheduled action.
REMINDER_BATCH_SIZE = 100
REMINDER_MAX_BATCHES = 20
# A recipient whose e-mails bounced more often than this is not reminded by
# e-mail; the setting acompte_deposit.reminder_bounce_threshold overrides it.
REMINDER_BOUNCE_THRESHOLD = 3
# The payment states of the deposit rules, as tuples: SQL and the domains sent
# to the web client need them.
OPEN_PAYMENT_STATES = tuple(sorted(state_rules.OPEN_PAYMENT_STATES))
SETTLED_PAYMENT_STATES = tuple(sorted(state_rules.SETTLED_PAYMENT_STATES))

ReminderCandidate = namedtuple(
    "ReminderCandidate",
    ["move_id", "level_id", "partner_id", "amount_residual"],
)


class AccountMove(models.Model):
    _inherit = "account.move"

    is_deposit = fields.Boolean(
        string="Is a Deposit",
        compute="_compute_is_deposit",
        store=True,
        help="Customer invoice made only of down payment lines of a sale order.",
    )
    deposit_reminder_hold = fields.Boolean(
        string="Reminders on Hold",
        copy=False,
        tracking=True,
        help="No reminder is sent for this deposit while set, for instance during "
        "a dispute or after a promise to pay.",
    )
    deposit_reminder_hold_reason = fields.Char(
        string="Hold Reason",
        copy=False,
        tracking=True,
    )
    deposit_reminder_resume_date = fields.Date(
        string="Resume Reminders On",
        copy=False,
        tracking=True,
        help="Reminders start again on this date although the hold is still set. "
        "Empty: they stay on hold until it is removed.",
    )
    deposit_reminder_log_ids = fields.One2many(
        comodel_name="deposit.reminder.log",
        inverse_name="move_id",
        string="Reminder History",
        readonly=True,
    )
    deposit_paid_date = fields.Date(
        string="Paid On",
        compute="_compute_deposit_paid_date",
        help="Latest date of the payments and reconciliations that settled the "
        "invoice. Empty while it is not paid.",
    )
    deposit_days_to_collect = fields.Integer(
        string="Days to Collect",
        compute="_compute_deposit_paid_date",
        aggregator="avg",
        help="Days from the invoice date to the payment date of a paid invoice.",
    )

    @api.depends(
        "move_type",
        "invoice_line_ids.display_type",
        "invoice_line_ids.sale_line_ids.is_downpayment",
    )
    def _compute_is_deposit(self):
        for move in self:
            product_lines = move.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            )
            move.is_deposit = (
                move.move_type == "out_invoice"
                and bool(product_lines)
                and all(
                    line.sale_line_ids
                    and all(line.sale_line_ids.mapped("is_downpayment"))
                    for line in product_lines
                )
            )

    @api.depends(
        "invoice_date",
        "payment_state",
        "line_ids.matched_credit_ids.max_date",
        "matched_payment_ids.date",
        "matched_payment_ids.state",
    )
    def _compute_deposit_paid_date(self):
        # The dashboard and the analysis read the same date in SQL: one rule.
        settled = self.filtered(
            lambda move: move._origin and move.payment_state in SETTLED_PAYMENT_STATES
        )
        paid_dates = {}
        if settled:
            self.flush_model(["matched_payment_ids"])
            for model in (
                "account.move.line",
                "account.partial.reconcile",
                "account.payment",
            ):
                self.env[model].flush_model()
            paid_dates = dict(
                self.env.execute_query(
                    SQL(
                        "SELECT move.id, %s FROM account_move move "
                        "WHERE move.id = ANY(%s)",
                        self._deposit_paid_date_sql("move"),
                        settled._origin.ids,
                    )
                )
            )
        for move in self:
            paid_date = paid_dates.get(move._origin.id) if move in settled else None
            move.deposit_paid_date = paid_date or False
            move.deposit_days_to_collect = (
                (paid_date - move.invoice_date).days
                if paid_date and move.invoice_date
                else 0
            )

    def _is_deposit_credited(self):
        """True when posted credit notes cover the whole deposit invoice."""
        self.ensure_one()
        credit_notes = self.reversal_move_ids.filtered(
            lambda move: move.state == "posted"
        )
        return (
            bool(credit_notes)
            and self.currency_id.compare_amounts(
                sum(credit_notes.mapped("amount_total")), self.amount_total
            )
            >= 0
        )

    @api.model
    def _deposit_credited_sql(self, move_alias):
        """SQL truth of "posted credit notes cover the whole deposit invoice".

        The set-based twin of _is_deposit_credited, for queries on the
        account_move table aliased move_alias: TRUE or FALSE, never NULL.
        """
        return SQL(
            """COALESCE((
                SELECT SUM(deposit_credit_note.amount_total)
                  FROM account_move deposit_credit_note
                 WHERE deposit_credit_note.reversed_entry_id = %(move_id)s
                   AND deposit_credit_note.state = 'posted'
            ) >= %(amount_total)s, FALSE)""",
            move_id=SQL.identifier(move_alias, "id"),
            amount_total=SQL.identifier(move_alias, "amount_total"),
        )

    @api.model
    def _deposit_paid_date_sql(self, move_alias):
        """SQL of the latest date of what settled the invoice move_alias.

        The one definition of deposit_paid_date, for queries on the
        account_move table aliased move_alias, whatever its payment state:
        the reconciliations of its installments and the payments registered
        without a journal entry, which are only matched to it.
        """
        return SQL(
            """GREATEST(
                (
                    SELECT MAX(deposit_partial.max_date)
                      FROM account_move_line deposit_line
                      JOIN account_partial_reconcile deposit_partial
                        ON deposit_partial.debit_move_id = deposit_line.id
                     WHERE deposit_line.move_id = %(move_id)s
                       AND deposit_line.display_type = 'payment_term'
                ),
                (
                    SELECT MAX(deposit_payment.date)
                      FROM account_move__account_payment deposit_matched
                      JOIN account_payment deposit_payment
                        ON deposit_payment.id = deposit_matched.payment_id
                     WHERE deposit_matched.invoice_id = %(move_id)s
                       AND deposit_payment.move_id IS NULL
                       AND deposit_payment.state IN ('in_process', 'paid')
                )
            )""",
            move_id=SQL.identifier(move_alias, "id"),
        )

    def _get_deposit_rule_invoice(self):
        """What the plain-Python deposit rules need to know of this invoice."""
        self.ensure_one()
        return DepositInvoice(
            state=self.state,
            payment_state=self.payment_state,
            amount_residual=Decimal(str(self.amount_residual)),
            date_due=self.invoice_date_due,
            credited=self._is_deposit_credited(),
        )

    def _filter_live_deposits(self):
        """Deposit invoices neither cancelled nor reversed by credit notes."""
        return self.filtered(lambda move: move._get_deposit_rule_invoice().is_live)

    def _notify_by_email_prepare_rendering_context(
        self,
        message,
        msg_vals=False,
        model_description=False,
        force_email_company=False,
        force_email_lang=False,
    ):
        render_context = super()._notify_by_email_prepare_rendering_context(
            message,
            msg_vals,
            model_description=model_description,
            force_email_company=force_email_company,
            force_email_lang=force_email_lang,
        )
        # Odoo's header shows the invoice total; a reminder shows what is left.
        if self.env.context.get("deposit_reminder") and self.invoice_date_due:
            lang = render_context.get("lang")
            render_context["subtitles"] = render_context.get("subtitles", [])[:1] + [
                self.with_context(lang=lang).env._(
                    "%(amount)s due on %(date)s",
                    amount=format_amount(
                        self.env, self.amount_residual, self.currency_id, lang_code=lang
                    ),
                    date=format_date(self.env, self.invoice_date_due, lang_code=lang),
                )
            ]
        return render_context

    def action_send_next_deposit_reminder(self):
        """Send the next reminder level of deposit invoices now, whatever the date."""
        sent = self.env["deposit.reminder.log"]
        for move in self:
            if not self._lock_deposit_reminder_moves(move.ids):
                raise UserError(
                    self.env._(
                        "%(invoice)s is being reminded by the scheduled action right "
                        "now. Try again in a minute.",
                        invoice=move.display_name,
                    )
                )
            move._check_deposit_reminder_allowed()
            ladder = move._get_deposit_reminder_ladder()
            level_id = next_manual_level(
                ladder,
                move.deposit_reminder_log_ids.level_id.ids,
            )
            if not level_id:
                raise UserError(
                    self.env._(
                        "Every reminder level of %(invoice)s was already sent. Follow "
                        "up with the customer by hand.",
                        invoice=move.display_name,
                    )
                )
            level = self.env["deposit.reminder.level"].browse(level_id)
            sent |= move._send_deposit_reminder(level, author=self.env.user)
        return sent.move_id._get_deposit_reminder_notification(sent)

    def _check_deposit_reminder_allowed(self):
        self.ensure_one()
        if not self.is_deposit or self.state != "posted":
            raise UserError(
                self.env._(
                    "%(invoice)s is not a posted deposit invoice: only those are "
                    "reminded.",
                    invoice=self.display_name,
                )
            )
        if (
            self.payment_state not in OPEN_PAYMENT_STATES
            or self.currency_id.is_zero(self.amount_residual)
        ):
            raise UserError(
                self.env._(
                    "%(invoice)s is paid or being paid: no reminder is sent.",
                    invoice=self.display_name,
                )
            )
        today = self.company_id._get_deposit_today()
        if is_on_hold(
            self.deposit_reminder_hold,
            self.deposit_reminder_resume_date or None,
            today,
        ):
            raise UserError(
                self.env._(
                    "Reminders of %(invoice)s are on hold (%(reason)s). Remove the "
                    "hold on the Reminders tab first.",
                    invoice=self.display_name,
                    reason=self.deposit_reminder_hold_reason
                    or self.env._("no reason given"),
                )
            )

    def _get_deposit_reminder_notification(self, logs):
        states = dict(logs._fields["state"]._description_selection(self.env))
        message = ", ".join(
            self.env._(
                "%(invoice)s: %(level)s (%(state)s)",
                invoice=log.move_id.name,
                level=log.level_id.name,
                state=states[log.state],
            )
            for log in logs
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Reminder sent"),
                "message": message,
                "type": (
                    "success" if set(logs.mapped("state")) == {"sent"} else "warning"
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _get_deposit_reminder_ladder(self):
        """Reminder levels of the customer's risk level, as (level id, days)."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(self.company_id)
        levels = (
            self.env["deposit.reminder.level"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("risk_level", "=", partner.deposit_risk_level or "medium"),
                ]
            )
        )
        return [(level.id, level.days) for level in levels]

    def _get_deposit_order(self):
        self.ensure_one()
        return self.line_ids.sale_line_ids.order_id[:1]

    def _get_deposit_reminder_recipient(self):
        """The invoicing contact, else the customer, whichever has an e-mail."""
        self.ensure_one()
        for partner in (self.partner_id, self.commercial_partner_id):
            if partner.email:
                return partner
        return self.env["res.partner"]

    def _get_deposit_reminder_email_problem(self, partner):
        """Why an e-mail to ``partner`` must not be sent, or False."""
        threshold = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(
                "acompte_deposit.reminder_bounce_threshold",
                REMINDER_BOUNCE_THRESHOLD,
            )
        )
        if not partner.email_normalized:
            return self.env._(
                "The e-mail address %(email)s of %(partner)s is not valid.",
                email=partner.email,
                partner=partner.display_name,
            )
        if partner.is_blacklisted:
            return self.env._(
                "The e-mail address %(email)s of %(partner)s is blacklisted: it "
                "asked not to receive e-mails.",
                email=partner.email_normalized,
                partner=partner.display_name,
            )
        if partner.message_bounce > threshold:
            return self.env._(
                "E-mails to %(email)s of %(partner)s bounced %(count)s times. Check "
                "the address, then reset its bounce counter.",
                email=partner.email_normalized,
                partner=partner.display_name,
                count=partner.message_bounce,
            )
        return False

    def _get_deposit_reminder_responsible(self, level=None):
        self.ensure_one()
        return (
            (level.activity_user_id if level else self.env["res.users"])
            or self._get_deposit_order().user_id
            or self.invoice_user_id
            or self.env.ref("base.user_root")
        )

    def _send_deposit_reminder(self, level, author=None):
        """Log ``level`` for the invoice, then send it; return the log row.

        The row is written first: the database refuses a second row for the same
        invoice and level, so a concurrent or repeated run gets nothing back and
        sends nothing. A failure while sending rolls back what the sending did,
        and the row says why.
        """
        self.ensure_one()
        log = self._create_deposit_reminder_log(level)
        if not log:
            return log
        try:
            with self.env.cr.savepoint():
                values = self.sudo()._do_deposit_reminder(level, author=author)
        except OperationalError as error:
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                # Another run changed what this one reads: give up the whole
                # batch, log row included; the retried run sends it.
                raise
            values = self._get_deposit_reminder_failure_values(level, error)
        except Exception as error:  # noqa: BLE001 (any error is logged and shown)
            values = self._get_deposit_reminder_failure_values(level, error)
        log.sudo().write(values)
        if values["state"] != "sent":
            self.sudo()._post_deposit_reminder_note(level, log)
        return log

    def _get_deposit_reminder_failure_values(self, level, error):
        _logger.exception(
            "Deposit reminder %s of invoice %s failed", level.name, self.name
        )
        return {
            "state": "failed",
            "reason": self.env._(
                "The reminder could not be sent: %(error)s",
                error=str(error),
            ),
        }

    def _create_deposit_reminder_log(self, level):
        """Insert the reminder row of ``level``, unless it already exists.

        A row already committed is skipped without an error; one inserted by a
        concurrent run still in progress makes the database refuse this one (a
        serialization failure), and the batch is rolled back and run again.
        """
        self.ensure_one()
        self.env["deposit.reminder.log"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO deposit_reminder_log (
                    move_id, level_id, company_id, state,
                    create_uid, create_date, write_uid, write_date
                )
                VALUES (%(move)s, %(level)s, %(company)s, 'sent',
                        %(uid)s, NOW() AT TIME ZONE 'UTC',
                        %(uid)s, NOW() AT TIME ZONE 'UTC')
                ON CONFLICT (move_id, level_id) DO NOTHING
                RETURNING id
                """,
                move=self.id,
                level=level.id,
                company=self.company_id.id,
                uid=self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_recordset(["deposit_reminder_log_ids"])
        return self.env["deposit.reminder.log"].browse(row[0] if row else [])

    def _do_deposit_reminder(self, level, author=None):
        """Send the e-mail and schedule the activity of ``level``.

        Return the values of the reminder row: its state, reason and recipient.
        """
        self.ensure_one()
        values = {"state": "sent", "reason": False}
        order = self._get_deposit_order()
        if level.send_email:
            recipient = self._get_deposit_reminder_recipient()
            problem = recipient and self._get_deposit_reminder_email_problem(recipient)
            if not recipient:
                if self.partner_id == self.commercial_partner_id:
                    reason = self.env._(
                        "%(customer)s has no e-mail address.",
                        customer=self.commercial_partner_id.display_name,
                    )
                else:
                    reason = self.env._(
                        "Neither %(contact)s nor %(customer)s has an e-mail address.",
                        contact=self.partner_id.display_name,
                        customer=self.commercial_partner_id.display_name,
                    )
                values.update(state="no_email", reason=reason)
                self._schedule_deposit_reminder_activity(
                    level,
                    user=self._get_deposit_reminder_responsible(),
                    summary=self.env._("Remind the customer of the deposit"),
                    note=self.env._(
                        "The reminder %(level)s could not be e-mailed: no e-mail "
                        "address. Call the customer, and add the address.",
                        level=level.name,
                    ),
                )
            elif problem:
                values.update(state="failed", reason=problem, partner_id=recipient.id)
            else:
                message = self._post_deposit_reminder_email(level, recipient, author)
                values.update(partner_id=recipient.id, mail_message_id=message.id)
        if level.create_activity:
            self._schedule_deposit_reminder_activity(
                level,
                user=self._get_deposit_reminder_responsible(level),
                summary=level.name,
                note=self.env._(
                    "The deposit of %(order)s is still unpaid: %(amount)s due on "
                    "%(date)s.",
                    order=order.name or self.invoice_origin or self.name,
                    amount=self.currency_id.format(self.amount_residual),
                    date=self.invoice_date_due,
                ),
            )
        if values["state"] == "sent":
            self._post_deposit_reminder_note(level, values=values, order=order)
        return values

    def _post_deposit_reminder_email(self, level, recipient, author=None):
        self._portal_ensure_token()
        author = author or self._get_deposit_reminder_responsible()
        # Queued, never sent here: the mail queue sends it after the commit.
        return self.with_context(
            deposit_reminder=True,
            mail_notify_force_send=False,
            mail_post_autofollow=False,
        ).message_post_with_source(
            level.mail_template_id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipient.ids,
            author_id=author.partner_id.id,
        )

    def _schedule_deposit_reminder_activity(self, level, user, summary, note):
        self.activity_schedule(
            activity_type_id=(
                level.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
            ).id,
            summary=summary,
            note=note,
            user_id=user.id,
            date_deadline=self.company_id._get_deposit_today(),
        )

    def _post_deposit_reminder_note(self, level, log=None, values=None, order=None):
        """Say on the invoice and on its order what the reminder did."""
        values = values or {"state": log.state, "reason": log.reason}
        order = order or self._get_deposit_order()
        partner = self.env["res.partner"].browse(values.get("partner_id") or [])
        if values["state"] == "sent" and partner:
            body = self.env._(
                "Reminder %(level)s e-mailed to %(email)s.",
                level=level.name,
                email=partner.email_formatted,
            )
        elif values["state"] == "sent":
            body = self.env._(
                "Reminder %(level)s: an activity was scheduled.",
                level=level.name,
            )
        elif values["state"] == "no_email":
            body = self.env._(
                "Reminder %(level)s not e-mailed: %(reason)s An activity was "
                "scheduled instead.",
                level=level.name,
                reason=values["reason"],
            )
        else:
            body = self.env._(
                "Reminder %(level)s failed: %(reason)s",
                level=level.name,
                reason=values["reason"],
            )
        # Logged notes: nobody is notified, the run stays cheap per invoice.
        self._message_log(body=body)
        if order:
            order._message_log(
                body=self.env._(
                    "%(invoice)s: %(body)s",
                    invoice=self.name,
                    body=body,
                ),
            )

    @api.model
    def _get_deposit_reminder_candidates(self, today):
        """Reminders due on ``today`` for the current company, without sending.

        A constant number of queries whatever the number of invoices: the levels,
        then the unpaid deposit invoices with the levels they already got; the
        plain-Python rule picks the level of each.
        """
        company = self.env.company
        for model in ("account.move", "deposit.reminder.log", "deposit.reminder.level"):
            self.env[model].flush_model()
        self.env["res.partner"].flush_model(["deposit_risk_level"])
        self.env["sale.order"].flush_model(["state"])

        self.env.cr.execute(
            SQL(
                """
                SELECT id, risk_level, days
                  FROM deposit_reminder_level
                 WHERE company_id = %(company)s AND active
                """,
                company=company.id,
            )
        )
        ladders = {}
        for level_id, risk_level, days in self.env.cr.fetchall():
            ladders.setdefault(risk_level, []).append((level_id, days))
        if not ladders:
            return []
        earliest_days = min(days for ladder in ladders.values() for _, days in ladder)

        risk_sql = (
            self.env["res.partner"]
            .sudo()
            ._field_to_sql(
                "customer",
                "deposit_risk_level",
                flush=False,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT move.id,
                       move.invoice_date_due,
                       %(risk)s,
                       move.deposit_reminder_hold,
                       move.deposit_reminder_resume_date,
                       move.partner_id,
                       move.amount_residual,
                       ARRAY(
                           SELECT log.level_id
                             FROM deposit_reminder_log log
                            WHERE log.move_id = move.id
                       )
                  FROM account_move move
                  JOIN res_partner customer
                    ON customer.id = move.commercial_partner_id
                 WHERE move.company_id = %(company)s
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.is_deposit
                   AND move.amount_residual > 0
                   AND move.payment_state IN %(payment_states)s
                   AND move.invoice_date_due <= %(latest_due)s
                   AND (
                       move.deposit_reminder_hold IS NOT TRUE
                       OR move.deposit_reminder_resume_date <= %(today)s
                   )
                   AND NOT EXISTS (
                       SELECT 1
                         FROM account_move_line line
                         JOIN sale_order_line_invoice_rel rel
                           ON rel.invoice_line_id = line.id
                         JOIN sale_order_line order_line
                           ON order_line.id = rel.order_line_id
                         JOIN sale_order sale
                           ON sale.id = order_line.order_id
                        WHERE line.move_id = move.id
                          AND sale.state = 'cancel'
                   )
              ORDER BY move.invoice_date_due, move.id
                """,
                risk=risk_sql,
                company=company.id,
                payment_states=OPEN_PAYMENT_STATES,
                latest_due=today - timedelta(days=earliest_days),
                today=today,
            )
        )
        candidates = []
        for (
            move_id,
            date_due,
            risk_level,
            hold,
            resume_date,
            partner_id,
            amount_residual,
            logged,
        ) in self.env.cr.fetchall():
            level_id = due_reminder_level(
                date_due,
                today,
                ladders.get(risk_level or "medium", []),
                logged,
                hold=hold,
                resume_date=resume_date,
            )
            if level_id:
                candidates.append(
                    ReminderCandidate(move_id, level_id, partner_id, amount_residual)
                )
        return candidates

    def _lock_deposit_reminder_moves(self, move_ids):
        """Lock the invoices of a batch; those another run holds are left out."""
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM account_move
                 WHERE id = ANY(%(ids)s)
                   FOR UPDATE SKIP LOCKED
                """,
                ids=list(move_ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _ensure_deposit_reminder_access_tokens(self):
        """Give the invoices the portal token of their pay-online link at once.

        The e-mail's link would otherwise write each invoice on its own while
        rendering, and writing an invoice costs far more than one token.
        """
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move
                   SET access_token = gen_random_uuid()::text
                 WHERE id = ANY(%(ids)s) AND access_token IS NULL
                """,
                ids=self.ids,
            )
        )
        self.invalidate_recordset(["access_token"])

    def _is_deposit_reminder_still_due(self, today):
        """Check again, once locked, what may have changed since the selection."""
        self.ensure_one()
        return (
            self.state == "posted"
            and self.payment_state in OPEN_PAYMENT_STATES
            and not self.currency_id.is_zero(self.amount_residual)
            and not is_on_hold(
                self.deposit_reminder_hold,
                self.deposit_reminder_resume_date or None,
                today,
            )
        )

    @api.model
    def _cron_send_deposit_reminders(
        self,
        batch_size=REMINDER_BATCH_SIZE,
        max_batches=REMINDER_MAX_BATCHES,
    ):
        """Send the deposit reminders due today in the current company.

        Today is the company's date in its time zone. Each invoice gets at most
        the one level the rule picks, and each (invoice, level) is logged once,
        whatever runs concurrently or is retried. Invoices are locked and handled
        in batches; each batch is committed outside tests, and the scheduled
        action runs again when more remain than ``max_batches`` batches.
        """
        today = self.env.company._get_deposit_today()
        counts, remaining = self._send_due_deposit_reminders(
            today,
            batch_size=batch_size,
            max_batches=max_batches,
            commit=self._can_commit(),
        )
        if remaining:
            cron = self.env.ref(
                "acompte_deposit.ir_cron_send_deposit_reminders",
                raise_if_not_found=False,
            )
            if cron:
                cron._trigger()
        return counts

    @api.model
    def _send_due_deposit_reminders(self, today, batch_size, max_batches, commit):
        """Send the reminders due on ``today``; return the counts and what is left."""
        moves = self.sudo()
        company = self.env.company
        candidates = moves._get_deposit_reminder_candidates(today)
        levels = self.env["deposit.reminder.level"].sudo()
        counts = Counter(sent=0, no_email=0, failed=0, skipped=0)

        batches = [
            candidates[start : start + batch_size]
            for start in range(0, len(candidates), batch_size)
        ]
        for batch in batches[:max_batches]:
            if commit:
                # Batch boundary: keep what the previous batch sent and logged,
                # release its locks, and see what concurrent runs committed.
                self.env.cr.commit()  # pylint: disable=invalid-commit
            locked = moves._lock_deposit_reminder_moves(
                [candidate.move_id for candidate in batch]
            )
            batch_moves = moves.browse(sorted(locked))
            batch_moves._ensure_deposit_reminder_access_tokens()
            batch_moves.invalidate_recordset()
            moves.env["deposit.reminder.log"].invalidate_model()
            for candidate in batch:
                move = moves.browse(candidate.move_id)
                if candidate.move_id not in locked or not (
                    move._is_deposit_reminder_still_due(today)
                ):
                    counts["skipped"] += 1
                    continue
                log = move._send_deposit_reminder(levels.browse(candidate.level_id))
                counts[log.state if log else "skipped"] += 1
        if commit and batches:
            self.env.cr.commit()  # pylint: disable=invalid-commit

        _logger.info(
            "Deposit reminders of %s on %s: %s sent, %s without e-mail, %s failed, "
            "%s skipped",
            company.name,
            today,
            counts["sent"],
            counts["no_email"],
            counts["failed"],
            counts["skipped"],
        )
        remaining = sum(len(batch) for batch in batches[max_batches:])
        return counts, remaining
