"""Budget gates: conditions later stages put on approving a project year's budget.

"无目标不预算" (goals) and "未评先审不安排预算" (ex-ante assessment) are gates. A stage registers a function
`gate(project_year) -> problem message or None` in its AppConfig.ready(); the budget approval refuses while
any gate reports a problem.
"""

_GATES = []


def register_budget_gate(gate):
    if gate not in _GATES:
        _GATES.append(gate)


def budget_problems(project_year):
    """The messages of every gate that refuses `project_year`'s budget now."""
    return [str(p) for p in (gate(project_year) for gate in _GATES) if p]
