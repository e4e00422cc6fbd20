"""绩效评价: 单位自评 (scoring and audit of self-evaluation tables), 自评审核 and 抽评 (spot re-evaluation)."""
