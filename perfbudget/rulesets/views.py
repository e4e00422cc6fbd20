"""The rule-set page: effective values with their source, versions, and the edit form of the 绩效科."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import FiscalYear, Region

from .definitions import DEFINITIONS
from .models import RuleSet
from .services import resolve, revise
from .validation import clean_value


def _display(definition, value):
    if definition.kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if definition.kind == "bool":
        return "是" if value else "否"
    return value


def clean_or_raw(definition, raw):
    """The cleaned value when it is valid (so "80%" equals 0.8), else the raw text (validated on save)."""
    try:
        return clean_value(definition, raw)
    except ValidationError:
        return raw


class RuleSetView(LoginRequiredMixin, TemplateView):
    template_name = "rulesets/ruleset.html"

    def _target(self):
        user = self.request.user
        regions = Region.objects.visible_to(user)
        code = self.request.GET.get("region") or self.request.POST.get("region")
        region = regions.filter(code=code).first() if code else None
        if region is None:
            own = [g.effective_region for g in user.grants]
            region = next((r for r in own if regions.filter(pk=r.pk).exists()), None) or regions.first()
        years = list(FiscalYear.objects.values_list("year", flat=True))
        try:
            year = int(self.request.GET.get("year") or self.request.POST.get("year") or (years[0] if years else 0))
        except ValueError:
            year = years[0] if years else 0
        return regions, region, years, year

    def _may_edit(self, region):
        user = self.request.user
        return region is not None and (user.is_superuser or any(
            g.role == Role.PERFORMANCE_OFFICE and g.effective_region.pk == region.pk for g in user.grants))

    def get_context_data(self, errors=None, posted=None, **kwargs):
        context = super().get_context_data(**kwargs)
        regions, region, years, year = self._target()
        rows = []
        if region is not None:
            rules = resolve(region, year)
            own = RuleSet.objects.filter(region=region, year=year).order_by("-version").first()
            own_values = own.values if own else {}
            for d in DEFINITIONS:
                value = rules.values[d.key]
                raw = (posted or {}).get(d.key)
                rows.append({
                    "d": d, "value": _display(d, value), "source": rules.sources[d.key],
                    "overridden": d.key in own_values,
                    "input": raw if raw is not None else _display(d, value),
                    "error": (errors or {}).get(d.key, ""),
                })
            context.update(rules=rules, versions=RuleSet.objects.filter(region=region, year=year)
                           .select_related("created_by").order_by("-version"))
        groups = {}
        for row in rows:
            groups.setdefault(str(row["d"].group), []).append(row)
        context.update(regions=regions, region=region, years=years, year=year, groups=groups,
                       may_edit=self._may_edit(region), errors=errors)
        return context

    def post(self, request, *args, **kwargs):
        _regions, region, _years, year = self._target()
        if not self._may_edit(region):
            raise PermissionDenied(_("只有本级财政局绩效科可以修订本级规则集。"))
        inherited = resolve(region.parent, year) if region.parent_id else resolve(None, year)
        overrides, posted = {}, {}
        for d in DEFINITIONS:
            raw = request.POST.get(d.key)  # a checkbox posts a hidden "0" before it, so unchecked reads "0"
            if raw is None:
                continue
            posted[d.key] = raw
            if _display(d, clean_or_raw(d, raw)) != _display(d, inherited.values[d.key]):
                overrides[d.key] = raw
        try:
            rs = revise(region, year, overrides, request.user, note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, _("规则值有误，未保存。"))
            return self.render_to_response(self.get_context_data(errors=exc.message_dict, posted=posted))
        messages.success(request, _("已保存为第 %(v)s 版。") % {"v": rs.version})
        return redirect(f"{request.path}?region={region.code}&year={year}")
