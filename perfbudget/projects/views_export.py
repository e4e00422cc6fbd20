"""The project list export: the list page's filters over the user's scope, as .xlsx."""

from django.contrib.auth.decorators import login_required

from perfbudget.core.http import file_response

from .export import export_filename, export_project_years
from .filtersets import ProjectYearFilterSet
from .models import ProjectYear


@login_required
def export_xlsx(request):
    queryset = ProjectYear.objects.visible_to(request.user)
    filterset = ProjectYearFilterSet(request.GET or None, queryset=queryset, request=request)
    valid = filterset.is_bound and filterset.is_valid()
    rows = filterset.qs if valid else queryset
    year = filterset.form.cleaned_data.get("year") if valid else None
    return file_response(export_project_years(rows), export_filename(int(year) if year else None))
