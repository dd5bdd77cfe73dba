from . import deposit_analysis_report
