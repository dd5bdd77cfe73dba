from . import test_deposit_amount
from . import test_deposit_concurrency
from . import test_deposit_confirm
from . import test_deposit_dso
from . import test_deposit_dashboard
from . import test_deposit_reminder
from . import test_deposit_reminder_concurrency
from . import test_deposit_term
