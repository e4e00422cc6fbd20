"""运行监控 (双监控): execution data, rounds and forms, warnings, actions and the negative list."""

from .actions import MonitoringAction, NegativeListEntry
from .execution import ExecutionBatch, ExecutionChange, ExecutionRecord
from .rounds import FormIndicator, MonitoringForm, MonitoringRound
from .warnings import MonitoringWarning, WarningSweep

__all__ = ["ExecutionBatch", "ExecutionChange", "ExecutionRecord", "FormIndicator", "MonitoringAction",
           "MonitoringForm", "MonitoringRound", "MonitoringWarning", "NegativeListEntry", "WarningSweep"]
