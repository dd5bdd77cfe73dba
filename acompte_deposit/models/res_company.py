import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..deposit_rules import risk as risk_rules


class ResCompany(models.Model):
    _inherit = "res.company"

    deposit_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Default Deposit Terms",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations whose customer has none of its own.",
    )
    deposit_risk_medium_threshold = fields.Integer(
        string="Medium Risk From",
        default=risk_rules.DEFAULT_MEDIUM_THRESHOLD,
        help="Customers whose risk score is at least this are of medium risk.",
    )
    deposit_risk_high_threshold = fields.Integer(
        string="High Risk From",
        default=risk_rules.DEFAULT_HIGH_THRESHOLD,
        help="Customers whose risk score is at least this are of high risk.",
    )
    deposit_low_risk_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms for Low Risk",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations of low risk customers without "
        "deposit terms of their own. Empty: the default deposit terms.",
    )
    deposit_medium_risk_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms for Medium Risk",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations of medium risk customers (and of "
        "customers without history) without deposit terms of their own. Empty: "
        "the default deposit terms.",
    )
    deposit_high_risk_term_id = fields.Many2one(
        comodel_name="sale.deposit.term",
        string="Deposit Terms for High Risk",
        check_company=True,
        domain="[('company_id', 'in', (False, id))]",
        help="Deposit terms of new quotations of high risk customers without "
        "deposit terms of their own. Empty: the default deposit terms.",
    )

    @api.constrains("deposit_risk_medium_threshold", "deposit_risk_high_threshold")
    def _check_deposit_risk_thresholds(self):
        for company in self:
            if not risk_rules.thresholds_are_valid(
                company.deposit_risk_medium_threshold,
                company.deposit_risk_high_threshold,
            ):
                raise ValidationError(
                    self.env._(
                        "The risk thresholds of %(company)s must satisfy 0 < medium "
                        "< high <= 100 (now medium %(medium)s, high %(high)s).",
                        company=company.name,
                        medium=company.deposit_risk_medium_threshold,
                        high=company.deposit_risk_high_threshold,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.sudo()._create_deposit_reminder_levels()
        return companies

    def _get_deposit_today(self):
        """Today's date for the company, in the company's time zone.

        The time zone is the company address's, else the current user's, else UTC;
        the clock is Python's, so frozen time in tests applies.
        """
        self.ensure_one()
        tz_name = self.partner_id.tz or self.env.user.tz or "UTC"
        return (
            fields.Datetime.now()
            .replace(tzinfo=pytz.utc)
            .astimezone(pytz.timezone(tz_name))
            .date()
        )

    def _get_deposit_risk_term(self, risk_level):
        """The deposit terms the company gives to customers of ``risk_level``."""
        self.ensure_one()
        return {
            "low": self.deposit_low_risk_term_id,
            "medium": self.deposit_medium_risk_term_id,
            "high": self.deposit_high_risk_term_id,
        }.get(risk_level or "medium", self.deposit_medium_risk_term_id)

    def _create_deposit_reminder_levels(self):
        """Give companies without reminder levels the shipped ones.

        The shipped levels are the data records of the module (those of the
        first company); they are copied with their translations.
        """
        Level = self.env["deposit.reminder.level"].with_context(active_test=False)
        shipped_ids = (
            self.env["ir.model.data"]
            .sudo()
            .search(
                [
                    ("module", "=", "acompte_deposit"),
                    ("model", "=", "deposit.reminder.level"),
                ]
            )
            .mapped("res_id")
        )
        shipped = Level.browse(shipped_ids).exists()
        if not shipped:
            return Level
        equipped = set(Level.search([("company_id", "in", self.ids)]).company_id.ids)
        created = Level
        for company in self.filtered(lambda company: company.id not in equipped):
            for level in shipped:
                created |= level.copy(
                    {
                        "company_id": company.id,
                        "activity_user_id": False,
                    }
                )
        return created

    @api.model
    def _install_deposit_reminder_levels(self):
        """Shipped reminder levels for the companies that exist at installation."""
        # Every company, whatever their number: this runs once, at installation.
        companies = self.search([])  # pylint: disable=no-search-all
        return companies._create_deposit_reminder_levels()
