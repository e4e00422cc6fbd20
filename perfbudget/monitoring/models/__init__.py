"""运行监控 (双监控): execution data, rounds and forms, warnings, actions and the negative list."""

from .actions import MonitoringAction, NegativeListEntry
from .execution import MONTH_FIELDS, ExecutionBatch, ExecutionChange, ExecutionYear, paid_through
from .rounds import FormForecastMethod, FormIndicator, MonitoringForm, MonitoringRound
from .warnings import MonitoringWarning, WarningSweep

__all__ = ["MONTH_FIELDS", "ExecutionBatch", "ExecutionChange", "ExecutionYear", "FormForecastMethod",
           "FormIndicator", "MonitoringAction", "MonitoringForm", "MonitoringRound", "MonitoringWarning",
           "NegativeListEntry", "WarningSweep", "paid_through"]
