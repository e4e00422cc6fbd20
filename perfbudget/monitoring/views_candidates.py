"""重点评价候选: projects whose execution stayed below the rule-set line two years running (DOMAIN.md §4.5)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.importexport.workbook import list_workbook
from perfbudget.orgs.choices import REGION_ROLES
from perfbudget.orgs.models import Region
from perfbudget.rulesets.services import resolve

from .sweep import low_execution_candidates


def candidate_regions(user):
    """The regions whose candidates `user` may read: those of its region roles."""
    if user.is_superuser:
        return list(Region.objects.filter(parent__isnull=True))
    seen, regions = set(), []
    for g in user.grants:
        if g.role in REGION_ROLES and g.effective_region.pk not in seen:
            seen.add(g.effective_region.pk)
            regions.append(g.effective_region)
    return regions


class CandidatesView(LoginRequiredMixin, TemplateView):
    template_name = "monitoring/candidates.html"

    def get(self, request, *args, **kwargs):
        regions = candidate_regions(request.user)
        if not regions:
            raise PermissionDenied(_("只有财政局和监督机构可以查看重点评价候选项目。"))
        region = next((r for r in regions if str(r.pk) == request.GET.get("region")), regions[0])
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year - 1
        rules = resolve(region, year)
        rows = low_execution_candidates(region, year, rules)
        if request.GET.get("export") == "xlsx":
            return self.export(rows, region, year)
        context = self.get_context_data(
            rows=rows, regions=regions, region=region, year=year, line=rules.get("monitoring.low_execution_rate"),
            n_years=rules.get("monitoring.low_execution_years"), ruleset=rules.label,
            years=range(timezone.localdate().year, timezone.localdate().year - 5, -1))
        return self.render_to_response(context)

    def export(self, rows, region, year):
        years = rows[0]["years"] if rows else [year]
        headers = [_("项目编码"), _("项目名称"), _("预算单位"), _("主管部门")]
        for y in years:
            headers += [_("%(y)s年预算数(元)") % {"y": y}, _("%(y)s年执行数(元)") % {"y": y},
                        _("%(y)s年执行率") % {"y": y}]
        data = []
        for r in rows:
            line = [r["code"], r["name"], r["unit"], r["department"]]
            for y in years:
                line += [r["budgets"][y], r["executed"][y], f"{r['rates'][y] * 100:.1f}%"]
            data.append(line)
        return file_response(list_workbook(_("重点评价候选"), headers, data),
                             f"{region.name}_{year}_重点评价候选.xlsx")
