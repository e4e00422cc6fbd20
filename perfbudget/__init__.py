"""PerfBudget (预算绩效管理系统): full-lifecycle budget performance management."""

__version__ = "0.1.0"
