"""The library export: the list page's filters over the user's scope (current versions), as .xlsx."""

from django.contrib.auth.decorators import login_required

from perfbudget.core.http import file_response

from .excel import export_entries, export_filename
from .filtersets import IndicatorFilterSet
from .models import IndicatorEntry


@login_required
def export_xlsx(request):
    queryset = IndicatorEntry.objects.visible_to(request.user).current()
    if not request.GET.get("status"):
        queryset = queryset.filter(status="active")  # as the list page: retired entries only when asked for
    filterset = IndicatorFilterSet(request.GET or None, queryset=queryset, request=request)
    entries = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    return file_response(export_entries(entries), export_filename())
