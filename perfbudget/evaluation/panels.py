"""The self-evaluation panel on a project's page (registered with projects.panels)."""


def selfeval_panel(py, user):
    """The project year's self-evaluation as the user may see it, or None."""
    from .models import SelfEvaluation

    se = SelfEvaluation.objects.visible_to(user).filter(project_year=py).first()
    if se is None:
        return None
    return {"selfeval": se}
