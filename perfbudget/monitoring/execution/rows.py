"""One data row through the cell rules, and the lookups of project codes for a block of rows (generic loader)."""

from perfbudget.core.scopes import CHANGE
from perfbudget.projects.models import Project, ProjectYear

from .cells import Problem
from .columns import BY_FIELD

KEY = ("project_code", "fiscal_year", "month")


def parse_row(number, row, problems):
    """{field: value} of the row's cells that pass their rule; a problem is appended for each that does not."""
    values = {}
    for field, text in row.items():
        value, problem = BY_FIELD[field].parse(text)
        if problem is None:
            values[field] = value
        else:
            problems.append((number, field, 0, text, problem))
    return values


def projects_in_scope(user):
    """The projects `user` may load execution data for (every project for the command line without a user)."""
    return Project.objects.all() if user is None else Project.objects.visible_to(user, CHANGE)


def resolve(parsed, user):
    """{(code, year): project year id} for the rows [(number, values, raw)], plus the known codes."""
    codes = {v["project_code"] for _n, v, _r in parsed if "project_code" in v}
    projects = dict(projects_in_scope(user).filter(code__in=codes).values_list("code", "id")) if codes else {}
    years = {v["fiscal_year"] for _n, v, _r in parsed if "fiscal_year" in v}
    ids = {}
    if projects and years:
        code_of = {pk: code for code, pk in projects.items()}
        rows = ProjectYear.objects.filter(project_id__in=code_of, year__in=years)
        rows = rows.values_list("project_id", "year", "id")
        ids = {(code_of[p], y): pk for p, y, pk in rows}
    return projects, ids


def lookup_problems(parsed, projects, ids):
    """Unknown or out-of-scope codes, and project years missing from the library."""
    problems = []
    for number, values, raw in parsed:
        code, year = values.get("project_code"), values.get("fiscal_year")
        if code is None:
            continue
        if code not in projects:
            problems.append((number, "project_code", 1, raw["project_code"], Problem("unknown_project")))
        elif year is not None and (code, year) not in ids:
            problems.append((number, "fiscal_year", 1, raw["fiscal_year"], Problem("no_project_year", {"year": year})))
    return problems
