from . import deposit_reminder_preview
from . import sale_advance_payment_inv
