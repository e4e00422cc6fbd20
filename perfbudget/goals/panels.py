"""The goal panel on a project's page (registered with projects.panels)."""


def goal_panel(py, user):
    from .services import live_goal
    from .views import may_start_goal

    goal = live_goal(py)
    return {"goal": goal, "may_start": goal is None and may_start_goal(py, user), "cuts": py.goal_cuts.all()}
