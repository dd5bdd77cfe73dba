import logging
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..deposit_rules import RiskFigures, risk_level, risk_score
from ..deposit_rules import risk as risk_rules

_logger = logging.getLogger(__name__)

RISK_LEVELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]

# Fields only a Deposit Manager may change.
RISK_OVERRIDE_FIELDS = ("deposit_risk_level_override", "deposit_risk_override_reason")

# Fields written by the risk refresh, in SQL.
RISK_REFRESH_FIELDS = (
    "deposit_risk_score",
    "deposit_risk_computed_level",
    "deposit_risk_level",
)

# Fields copied from the commercial partner to its contacts without tracking.
RISK_SYNC_FIELDS = (*RISK_REFRESH_FIELDS, *RISK_OVERRIDE_FIELDS)


class ResPartner(models.Model):
    _inherit = "res.partner"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms",
        company_dependent=True,
        domain="[('company_id', 'in', (False, current_company_id))]",
        help="Deposit terms of this customer's new quotations in the current company. "
        "Contacts follow the terms of the customer they belong to. Empty: the "
        "deposit terms of the customer's risk level in the Sales settings, else "
        "the default deposit terms.",
    )
    deposit_risk_level = fields.Selection(
        selection=RISK_LEVELS,
        string="Risk Level",
        company_dependent=True,
        help="Picks the reminder levels that chase this customer's unpaid "
        "deposits and its default deposit terms in the current company: the "
        "override when a Deposit Manager set one, else the level of the risk "
        "score, else medium. Contacts show the risk level of the customer they "
        "belong to.",
    )
    deposit_risk_score = fields.Integer(
        string="Risk Score",
        company_dependent=True,
        help="From 0 (pays on time) to 100, from the last 12 months in the current "
        "company; the formula is in the Sales settings. Refreshed every night. "
        "0 as well when the customer has no history.",
    )
    deposit_risk_computed_level = fields.Selection(
        selection=RISK_LEVELS,
        string="Level from Score",
        company_dependent=True,
        help="Risk level given by the score and the thresholds of the settings; "
        "empty when the customer has no history in the last 12 months.",
    )
    deposit_risk_level_override = fields.Selection(
        selection=RISK_LEVELS,
        string="Risk Level Override",
        company_dependent=True,
        tracking=True,
        help="Set by a Deposit Manager, replaces the level from the score until "
        "it is removed.",
    )
    deposit_risk_override_reason = fields.Char(
        string="Override Reason",
        company_dependent=True,
        tracking=True,
    )
    deposit_risk_currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_deposit_risk_figures",
    )
    deposit_risk_late_share = fields.Float(
        string="Paid Late or Overdue",
        compute="_compute_deposit_risk_figures",
        digits=(16, 1),
        help="Share of the amount invoiced in the last 12 months that was paid "
        "after its due date or is still overdue, in percent.",
    )
    deposit_risk_days_late = fields.Float(
        string="Average Days Late",
        compute="_compute_deposit_risk_figures",
        digits=(16, 1),
        help="Days late of the amount invoiced in the last 12 months, weighted by "
        "amount; amounts paid on time count as 0 days (at most 60).",
    )
    deposit_risk_overdue_share = fields.Float(
        string="Overdue Receivable",
        compute="_compute_deposit_risk_figures",
        digits=(16, 1),
        help="Share of the open receivable that is past due, in percent.",
    )
    deposit_risk_extra_reminders = fields.Integer(
        string="Reminders Beyond the First Level",
        compute="_compute_deposit_risk_figures",
    )
    deposit_risk_unpaid_deposit_count = fields.Integer(
        string="Unpaid Overdue Deposits",
        compute="_compute_deposit_risk_figures",
    )
    deposit_risk_unpaid_deposit_amount = fields.Monetary(
        string="Left on Overdue Deposits",
        compute="_compute_deposit_risk_figures",
        currency_field="deposit_risk_currency_id",
    )
    deposit_risk_has_history = fields.Boolean(
        compute="_compute_deposit_risk_figures",
    )

    @api.depends_context("company")
    def _compute_deposit_risk_figures(self):
        commercial_partners = self.commercial_partner_id._origin
        all_figures = self._get_deposit_risk_figures(commercial_partners)
        currency = self.env.company.currency_id
        for partner in self:
            figures = all_figures.get(
                partner.commercial_partner_id._origin.id, RiskFigures()
            )
            partner.deposit_risk_currency_id = currency
            partner.deposit_risk_late_share = float(
                risk_rules.late_share(figures) * 100
            )
            partner.deposit_risk_days_late = float(
                risk_rules.average_days_late(figures)
            )
            partner.deposit_risk_overdue_share = float(
                risk_rules.overdue_share(figures) * 100
            )
            partner.deposit_risk_extra_reminders = figures.extra_reminders
            partner.deposit_risk_unpaid_deposit_count = figures.unpaid_deposits
            partner.deposit_risk_unpaid_deposit_amount = float(
                figures.unpaid_deposit_amount
            )
            partner.deposit_risk_has_history = figures.has_history

    @api.constrains(*RISK_OVERRIDE_FIELDS)
    def _check_deposit_risk_override_reason(self):
        for partner in self:
            if (
                partner.deposit_risk_level_override
                and not (partner.deposit_risk_override_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Give a reason for overriding the risk level of %(partner)s, "
                        "or remove the override.",
                        partner=partner.display_name,
                    )
                )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + list(RISK_SYNC_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # The refresh scores a new customer; a manager may override it.
            vals_list = [
                {
                    fname: value
                    for fname, value in vals.items()
                    if fname not in RISK_REFRESH_FIELDS
                }
                for vals in vals_list
            ]
            if any(
                vals.get(fname) for vals in vals_list for fname in RISK_OVERRIDE_FIELDS
            ) and not self.env.user.has_group("acompte_deposit.group_deposit_manager"):
                raise AccessError(
                    self.env._(
                        "Only a Deposit Manager may override the risk level of a "
                        "customer. Ask one to set the override."
                    )
                )
        partners = super().create(vals_list)
        overridden = partners.filtered("deposit_risk_level_override")
        if overridden:
            overridden._set_deposit_risk_effective_level()
        return partners

    def write(self, vals):
        if not self.env.su:
            if any(fname in vals for fname in RISK_REFRESH_FIELDS):
                self._check_deposit_risk_level_access(vals)
            if any(fname in vals for fname in RISK_OVERRIDE_FIELDS):
                self._check_deposit_risk_override_access(vals)
        result = super().write(vals)
        if "deposit_risk_level_override" in vals:
            self._set_deposit_risk_effective_level()
        return result

    def _commercial_sync_to_children(self, fields_to_sync=None):
        # Contacts mirror the risk of their commercial partner: the change is
        # tracked on the commercial partner's chatter only, not once per contact.
        if fields_to_sync is None:
            fields_to_sync = self._commercial_fields()
        risk_fields = [fname for fname in fields_to_sync if fname in RISK_SYNC_FIELDS]
        other_fields = [
            fname for fname in fields_to_sync if fname not in RISK_SYNC_FIELDS
        ]
        result = True
        if other_fields:
            result = super()._commercial_sync_to_children(other_fields)
        if risk_fields:
            super(
                ResPartner, self.with_context(mail_notrack=True)
            )._commercial_sync_to_children(risk_fields)
        return result

    def action_update_deposit_risk(self):
        """Refresh the risk score and level of these customers now."""
        if not self.env.user.has_group("acompte_deposit.group_deposit_user"):
            raise AccessError(
                self.env._("Only deposit users may refresh the risk of a customer.")
            )
        self.env["res.partner"].sudo()._update_deposit_risk(self.commercial_partner_id)
        return True

    def _check_deposit_risk_override_access(self, vals):
        """Refuse a change of the override to anyone but a Deposit Manager."""
        if self.env.user.has_group("acompte_deposit.group_deposit_manager"):
            return
        partner = self._get_deposit_risk_changed_partner(vals, RISK_OVERRIDE_FIELDS)
        if partner:
            raise AccessError(
                self.env._(
                    "Only a Deposit Manager may override the risk level of "
                    "%(partner)s. Ask one to set or remove the override.",
                    partner=partner.display_name,
                )
            )

    def _check_deposit_risk_level_access(self, vals):
        """Refuse to anyone a change of the risk level, score or level from score.

        The risk refresh writes them; a Deposit Manager changes the level
        through the override.
        """
        partner = self._get_deposit_risk_changed_partner(vals, RISK_REFRESH_FIELDS)
        if partner:
            raise AccessError(
                self.env._(
                    "The risk level of %(partner)s comes from its risk score. Only "
                    "a Deposit Manager may change it, by setting an override with "
                    "a reason.",
                    partner=partner.display_name,
                )
            )

    def _get_deposit_risk_changed_partner(self, vals, fnames):
        """The first partner whose fields ``fnames`` would really change.

        Writing the value a partner already has is no change, and neither is
        giving a contact the value of its commercial partner: Odoo copies the
        commercial fields to contacts on unrelated changes and when a contact
        is created.
        """
        for partner in self:
            commercial = partner.commercial_partner_id
            for fname in fnames:
                if fname not in vals:
                    continue
                new_value = vals[fname] or False
                allowed = {partner[fname] or False}
                if commercial != partner:
                    allowed.add(commercial[fname] or False)
                if new_value not in allowed:
                    return partner
        return self.browse()

    def _set_deposit_risk_effective_level(self):
        """Write the effective level: the override, else the computed one."""
        by_level = {}
        for partner in self:
            level = (
                partner.deposit_risk_level_override
                or partner.deposit_risk_computed_level
                or risk_rules.MEDIUM
            )
            if partner.deposit_risk_level != level:
                by_level.setdefault(level, self.browse())
                by_level[level] |= partner
        # The level is no field of users' own (see write): written as the system.
        for level, partners in by_level.items():
            partners.sudo().write({"deposit_risk_level": level})

    def _get_deposit_risk_figures(self, partners=None):
        """Risk figures of the current company's customers, by commercial partner.

        Three aggregate queries whatever the number of customers and invoices:
        the invoices and open receivable, the lateness of each installment, and
        the reminders. ``partners`` (commercial partners) narrows them down; by
        default every customer of the company is read. Customers without any
        invoice in the company are left out.
        """
        company = self.env.company
        today = company._get_deposit_today()
        date_from = today - relativedelta(years=1) + timedelta(days=1)
        for model in (
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
            "deposit.reminder.log",
        ):
            self.env[model].flush_model()
        if partners is not None and not partners:
            return {}
        partner_filter = (
            SQL("AND move.commercial_partner_id IN %s", tuple(partners.ids))
            if partners is not None
            else SQL()
        )
        params = {
            "company": company.id,
            "today": today,
            "date_from": date_from,
            "partner_filter": partner_filter,
        }
        values = {}
        # Deposits covered in full by posted credit notes are no longer owed.
        credited = self.env["account.move"]._deposit_credited_sql("move")

        # Invoiced over 12 months, open receivable, unpaid overdue deposits.
        self.env.cr.execute(
            SQL(
                """
                SELECT move.commercial_partner_id,
                       SUM(move.amount_total_signed) FILTER (
                           WHERE COALESCE(move.invoice_date, move.date)
                                 >= %(date_from)s
                       ),
                       SUM(move.amount_residual_signed),
                       COUNT(*) FILTER (WHERE %(unpaid_deposit)s),
                       SUM(move.amount_residual_signed) FILTER (
                           WHERE %(unpaid_deposit)s
                       )
                  FROM account_move move
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.commercial_partner_id IS NOT NULL
                   %(partner_filter)s
              GROUP BY move.commercial_partner_id
                """,
                unpaid_deposit=SQL(
                    """
                    move.is_deposit
                    AND move.move_type = 'out_invoice'
                    AND move.amount_residual > 0
                    AND move.invoice_date_due < %(today)s
                    AND NOT %(credited)s
                    """,
                    today=today,
                    credited=credited,
                ),
                **params,
            )
        )
        for (
            partner_id,
            invoiced,
            open_amount,
            deposits,
            deposit_amount,
        ) in self.env.cr.fetchall():
            values[partner_id] = {
                "invoiced": _decimal(invoiced),
                "open_amount": _decimal(open_amount),
                "unpaid_deposits": deposits,
                "unpaid_deposit_amount": _decimal(deposit_amount),
            }

        # Installments of invoices: paid after their due date, or still overdue.
        # Credit notes reconciled with an invoice are not payments: left out.
        self.env.cr.execute(
            SQL(
                """
                WITH installment AS (
                    SELECT line.id,
                           move.commercial_partner_id AS partner_id,
                           COALESCE(
                               line.date_maturity,
                               move.invoice_date_due,
                               move.invoice_date,
                               move.date
                           ) AS date_due,
                           line.amount_residual,
                           COALESCE(move.invoice_date, move.date) >= %(date_from)s
                               AS recent
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                     WHERE move.company_id = %(company)s
                       AND move.state = 'posted'
                       AND move.move_type = 'out_invoice'
                       AND line.display_type = 'payment_term'
                       AND move.commercial_partner_id IS NOT NULL
                       AND NOT (COALESCE(move.is_deposit, FALSE) AND %(credited)s)
                       %(partner_filter)s
                       AND (
                           COALESCE(move.invoice_date, move.date) >= %(date_from)s
                           OR line.amount_residual > 0
                       )
                ),
                late AS (
                    SELECT installment.partner_id,
                           installment.recent,
                           FALSE AS open,
                           partial.amount,
                           partial.max_date - installment.date_due AS days
                      FROM installment
                      JOIN account_partial_reconcile partial
                        ON partial.debit_move_id = installment.id
                      JOIN account_move_line counterpart
                        ON counterpart.id = partial.credit_move_id
                      JOIN account_move counterpart_move
                        ON counterpart_move.id = counterpart.move_id
                     WHERE installment.recent
                       AND partial.max_date > installment.date_due
                       AND counterpart_move.move_type != 'out_refund'
                 UNION ALL
                    SELECT partner_id,
                           recent,
                           TRUE,
                           amount_residual,
                           %(today)s - date_due
                      FROM installment
                     WHERE amount_residual > 0
                       AND date_due < %(today)s
                )
                SELECT partner_id,
                       SUM(amount) FILTER (WHERE recent),
                       SUM(amount * days) FILTER (WHERE recent),
                       SUM(amount) FILTER (WHERE open)
                  FROM late
              GROUP BY partner_id
                """,
                credited=credited,
                **params,
            )
        )
        for partner_id, late_amount, late_days, overdue in self.env.cr.fetchall():
            partner_values = values.setdefault(partner_id, {})
            partner_values["late_amount"] = _decimal(late_amount)
            partner_values["late_amount_days"] = _decimal(late_days)
            partner_values["overdue_amount"] = _decimal(overdue)

        # Reminders sent on the last 12 months' invoices, beyond the first of each.
        self.env.cr.execute(
            SQL(
                """
                SELECT move.commercial_partner_id,
                       COUNT(*) - COUNT(DISTINCT log.move_id)
                  FROM deposit_reminder_log log
                  JOIN account_move move ON move.id = log.move_id
                 WHERE log.company_id = %(company)s
                   AND log.state = 'sent'
                   AND move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND COALESCE(move.invoice_date, move.date) >= %(date_from)s
                   %(partner_filter)s
              GROUP BY move.commercial_partner_id
                """,
                **params,
            )
        )
        for partner_id, extra_reminders in self.env.cr.fetchall():
            values.setdefault(partner_id, {})["extra_reminders"] = extra_reminders

        return {
            partner_id: RiskFigures(**partner_values)
            for partner_id, partner_values in values.items()
        }

    @api.model
    def _update_deposit_risk(self, partners=None):
        """Refresh the risk score and levels of the current company's customers.

        Set-based: the figures of every customer (or of the commercial partners
        ``partners``) come from a few aggregate queries, the plain-Python rule
        scores them, and one UPDATE writes score, level from score and effective
        level (the override, else the level from score, else medium) on the
        commercial partners and their contacts. Customers scored before that no
        longer have any history go back to no score. Returns the number of
        customers scored by effective level, and under ``no_history`` the number
        of those reset for lack of history.
        """
        company = self.env.company
        if partners is not None:
            partners = partners.commercial_partner_id
        figures = self._get_deposit_risk_figures(partners)
        partner_ids, scores, levels = [], [], []
        for partner_id, partner_figures in figures.items():
            score = risk_score(partner_figures)
            if score is None:
                continue
            partner_ids.append(partner_id)
            scores.append(score)
            levels.append(
                risk_level(
                    score,
                    company.deposit_risk_medium_threshold,
                    company.deposit_risk_high_threshold,
                )
            )

        # A pending ORM write of these fields would overwrite the UPDATE.
        self.flush_model(
            ["commercial_partner_id", *RISK_OVERRIDE_FIELDS, *RISK_REFRESH_FIELDS]
        )
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
                WITH scored AS (
                    SELECT *
                      FROM unnest(%(ids)s::int4[], %(scores)s::int4[],
                                  %(levels)s::varchar[])
                           AS scored(partner_id, score, level)
                ),
                target AS (
                    SELECT commercial.id,
                           scored.score,
                           scored.level,
                           COALESCE(
                               commercial.deposit_risk_level_override->>%(key)s,
                               scored.level,
                               %(default_level)s
                           ) AS effective
                      FROM res_partner commercial
                 LEFT JOIN scored ON scored.partner_id = commercial.id
                     WHERE commercial.id = commercial.commercial_partner_id
                       %(partner_filter)s
                       AND (
                           scored.partner_id IS NOT NULL
                           OR commercial.deposit_risk_computed_level ? %(key)s
                           OR commercial.deposit_risk_score ? %(key)s
                           OR commercial.deposit_risk_level ? %(key)s
                       )
                )
                UPDATE res_partner partner
                   SET deposit_risk_score = COALESCE(
                           partner.deposit_risk_score, '{}'::jsonb
                       ) || jsonb_build_object(%(key)s, target.score),
                       deposit_risk_computed_level = COALESCE(
                           partner.deposit_risk_computed_level, '{}'::jsonb
                       ) || jsonb_build_object(%(key)s, target.level),
                       deposit_risk_level = COALESCE(
                           partner.deposit_risk_level, '{}'::jsonb
                       ) || jsonb_build_object(%(key)s, target.effective)
                  FROM target
                 WHERE partner.commercial_partner_id = target.id
             RETURNING partner.id = target.id, target.score IS NULL, target.effective
                """,
                ids=partner_ids,
                scores=scores,
                levels=levels,
                default_level=risk_rules.MEDIUM,
                key=key,
                partner_filter=(
                    SQL("AND commercial.id IN %s", tuple(partners.ids) or (None,))
                    if partners is not None
                    else SQL()
                ),
            )
        )
        counts = Counter(
            "no_history" if no_score else effective
            for is_commercial, no_score, effective in self.env.cr.fetchall()
            if is_commercial
        )
        self.invalidate_model(list(RISK_REFRESH_FIELDS), flush=False)
        return counts

    @api.model
    def _cron_update_deposit_risk(self, companies=None):
        """Refresh the risk of the customers of the current company.

        The nightly scheduled action passes every company as ``companies``.
        Each company is refreshed in its own savepoint: one that fails is
        logged with its name and rolled back, the others carry on. Logs one
        line per run with the number of companies and of customers by risk
        level; returns the numbers of customers, added up over the companies
        refreshed.
        """
        if companies is None:
            companies = self.env.company
        counts = Counter()
        failed = 0
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    # A system job: each company is refreshed whoever runs it.
                    counts.update(
                        self.sudo().with_company(company)._update_deposit_risk()
                    )
            # Any error of one company must not stop the others' refresh.
            except Exception:  # noqa: BLE001 - logged with its traceback
                if len(companies) == 1:
                    # Nothing else to carry on with: the caller sees the error.
                    raise
                # The savepoint rolled back this company's refresh and cleared
                # the caches: the next company starts clean.
                _logger.exception(
                    "Deposit risk refresh failed for company %s", company.name
                )
                failed += 1
        _logger.info(
            "Deposit risk refresh: %s customers scored (%s low, %s medium, %s high), "
            "%s reset for lack of history; %s companies refreshed, %s failed",
            counts["low"] + counts["medium"] + counts["high"],
            counts["low"],
            counts["medium"],
            counts["high"],
            counts["no_history"],
            len(companies) - failed,
            failed,
        )
        return counts


def _decimal(value):
    if value is None:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))
