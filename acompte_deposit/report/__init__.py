from . import deposit_analysis_report
from . import deposit_receivables_report
