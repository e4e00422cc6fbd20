"""Panels later stages show on a project's page, without the project library importing those stages.

A stage registers `register_project_panel(template, context)` in its AppConfig.ready(); `context(project_year,
user)` returns the panel's template context (or None to show nothing). The project page renders the panels in
registration order (the lifecycle order of INSTALLED_APPS).
"""

from dataclasses import dataclass

_PANELS = []


@dataclass(frozen=True)
class Panel:
    template: str
    context: object


def register_project_panel(template, context):
    if all(p.template != template for p in _PANELS):
        _PANELS.append(Panel(template, context))


def panels_for(project_year, user):
    """[(template, context)] of the panels that have something to show for `project_year` and `user`."""
    shown = []
    for panel in _PANELS:
        ctx = panel.context(project_year, user)
        if ctx is not None:
            shown.append({"template": panel.template, "context": ctx})
    return shown
