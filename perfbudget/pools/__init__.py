"""第三方机构库 / 专家库: registration, vetting, conflicts of interest, ratings and auditable random draws.

Shared by evaluation and, later, ex-ante assessment.
"""
