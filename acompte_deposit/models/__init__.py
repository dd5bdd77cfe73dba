from . import account_move
from . import deposit_reminder_level
from . import deposit_reminder_log
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_deposit_term
from . import sale_order
