"""Self-evaluation pages: the list (filters, export, 生成自评表), the table page (the unit fills it; reviewers see
the audit findings beside each row, raise problems with deadlines, return or accept), the official .xlsx and the
review summary. Views are thin: every write goes through `evaluation.services`."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from perfbudget.core.http import file_response
from perfbudget.core.views import ScopedListMixin, ScopedObjectMixin, history_context
from perfbudget.core.workflow import WorkflowError
from perfbudget.core.workflow import history as workflow_history
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import User, year_choices

from . import excel, services
from .audit import FINDING_CODES
from .choices import PROBLEM_TO_FIX, SELFEVAL_EDITABLE, Grade, ProblemStatus, SelfEvalStatus
from .filtersets import SelfEvaluationFilterSet
from .models import SelfEvaluation, SelfEvaluationProblem, SelfEvaluationRow
from .tables import SelfEvaluationTable
from .workflow import SELFEVAL_WORKFLOW


class SelfEvalListView(ScopedListMixin, TemplateView):
    """单位自评 list: the user's scope, filtered and searched, paginated."""

    template_name = "evaluation/selfeval_list.html"
    model = SelfEvaluation
    filterset_class = SelfEvaluationFilterSet
    table_class = SelfEvaluationTable

    def base_queryset(self):
        return SelfEvaluation.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_create"] = user.is_superuser or user.has_role(Role.PERFORMANCE_OFFICE)
        context["years"] = [y for y, _label in year_choices()]
        context["this_year"] = timezone.localdate().year - 1
        return context


class SelfEvalExportView(LoginRequiredMixin, View):
    """The list as .xlsx, with the page's filters, over the user's scope."""

    def get(self, request):
        qs = SelfEvaluation.objects.visible_to(request.user).with_related()
        filterset = SelfEvaluationFilterSet(request.GET or None, queryset=qs, request=request)
        rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
        content = excel.export_list(rows.order_by("-project_year__year", "project_year__project__code"))
        return file_response(content, _("单位自评") + f"_{timezone.localdate():%Y%m%d}.xlsx")


class SelfEvalCreateView(LoginRequiredMixin, View):
    """POST: 生成自评表 for the performance office's own region and the chosen year."""

    def post(self, request):
        user = request.user
        grant = next((g for g in user.grants if g.role == Role.PERFORMANCE_OFFICE), None)
        if grant is None:
            raise PermissionDenied(_("只有财政局绩效科可以生成自评表。"))
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, _("请选择年度。"))
            return redirect("evaluation:selfevals")
        try:
            outcome = services.create_selfevals(grant.effective_region, year, user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("evaluation:selfevals")
        messages.success(request, _("已生成自评表%(c)s份（已有%(e)s份）。") % {"c": outcome["created"],
                                                                      "e": outcome["existing"]})
        if outcome["without_goal"]:
            messages.warning(request, _("以下%(n)s个项目没有已批复的绩效目标，未生成自评表：%(codes)s")
                             % {"n": len(outcome["without_goal"]), "codes": "、".join(outcome["without_goal"][:30])})
        return redirect(f"{reverse('evaluation:selfevals')}?year={year}")


def _is(user, *roles):
    return user.is_superuser or user.has_role(*roles)


class SelfEvalDetailView(ScopedObjectMixin, DetailView):
    """The self-evaluation table: filled by the unit, reviewed by the department and the bureau."""

    template_name = "evaluation/selfeval_detail.html"
    model = SelfEvaluation
    context_object_name = "se"

    def get_queryset(self):
        return SelfEvaluation.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.object, self.request.user))
        return context


SEVERITY_BADGE = {"error": "danger", "warning": "warning", "info": "info"}


def _labelled(findings):
    """The engine's findings with their Chinese label (the code stays as the tooltip) and badge colour."""
    return [{**f, "label": FINDING_CODES.get(f.get("code"), f.get("code")),
             "badge": SEVERITY_BADGE.get(f.get("severity"), "secondary")} for f in findings]


def _stored_inputs(row):
    """What a row's inputs show: the stored values, the share as the unit types it (90%)."""
    return {"actual": row.actual, "judgement": services.format_judgement(row.judgement), "reason": row.reason,
            "deviation_note": row.deviation_note, "applicable": row.applicable,
            "claimed_score": "" if row.claimed_score is None else str(row.claimed_score)}


def _header_inputs(se):
    return {name: "" if getattr(se, name) is None else str(getattr(se, name)) for name in services.HEADER_FIELDS}


def _error_places(exc, rows):
    """(per-row {field: [reason]} by row index, header {field: [reason]}) for the errors that name a field."""
    names = {}
    for name in services.ROW_FIELDS:
        names.setdefault(("row", str(SelfEvaluationRow._meta.get_field(name).verbose_name)), name)
    for name in services.HEADER_FIELDS:
        names.setdefault(("header", str(SelfEvaluation._meta.get_field(name).verbose_name)), name)
    per_row, header = {}, {}
    for row, label, reason in exc.errors:
        if row and 0 < row <= len(rows):
            field = names.get(("row", str(label)))
            if field:
                per_row.setdefault(row - 1, {}).setdefault(field, []).append(str(reason))
        elif not row:
            field = names.get(("header", str(label)))
            if field:
                header.setdefault(field, []).append(str(reason))
    return per_row, header


def detail_context(se, user, posted=None, error=None):
    """Everything the table page (and its htmx partial) shows. After a refused save, `posted` is (header values,
    {row id: values}) as typed and `error` the SelfEvalError: the inputs keep what was typed and each error is
    shown beside its row and field."""
    rows = list(se.rows.all())
    per_row, table_findings = services.findings_by_row(se)
    problems = list(se.review_problems.select_related("row", "raised_by", "fixed_by", "confirmed_by"))
    by_row = {}
    for p in problems:
        by_row.setdefault(p.row_id, []).append(p)
    header_posted, rows_posted = posted or ({}, {})
    row_errors, header_errors = _error_places(error, rows) if error is not None else ({}, {})
    for i, row in enumerate(rows):
        row.findings = _labelled(per_row.get(i, []))
        row.review_problems = by_row.get(row.pk, [])
        row.judgement_text = services.format_judgement(row.judgement)
        row.inputs = {**_stored_inputs(row), **rows_posted.get(str(row.pk), {})}
        row.errors = row_errors.get(i, {})
    transitions = SELFEVAL_WORKFLOW.available(se, user)
    actions = {t.action for t in transitions}
    editable = se.status in SELFEVAL_EDITABLE and "submit" in actions
    records = list(workflow_history(se))
    for r in records:
        r.from_label = SELFEVAL_WORKFLOW.label_of(r.from_state)
        r.to_label = SELFEVAL_WORKFLOW.label_of(r.to_state)
    may_review_problems = se.status == SelfEvalStatus.BUREAU_REVIEW and SelfEvaluation.objects.visible_to(
        user, "change", roles=services.REVIEW_ROLES).filter(pk=se.pk).exists()
    rules = services.rules_for(se)
    return {
        "rows": rows, "table_findings": _labelled(table_findings), "editable": editable,
        "header_values": {**_header_inputs(se), **header_posted}, "field_errors": header_errors,
        "save_error": error, "save_error_list": [_error_text(e) for e in error.errors] if error is not None else [],
        "submit_problems": services.submission_problems(se) if editable else [],
        "can_submit": "submit" in actions, "can_withdraw": "withdraw" in actions,
        "can_dept_review": "dept_approve" in actions, "can_return": "bureau_return" in actions,
        "can_accept": "accept" in actions, "can_raise": may_review_problems,
        "can_refresh": se.status in SELFEVAL_EDITABLE and _is(user, Role.UNIT, Role.PERFORMANCE_OFFICE)
        and SelfEvaluation.objects.visible_to(user, "change", roles=(Role.UNIT, Role.PERFORMANCE_OFFICE))
        .filter(pk=se.pk).exists(),
        "can_add_agency": _is(user, Role.PERFORMANCE_OFFICE) and SelfEvaluation.objects.visible_to(
            user, "change", roles=(Role.PERFORMANCE_OFFICE,)).filter(pk=se.pk).exists(),
        "agency_reviewers": list(se.agency_reviewers.all()),
        "general_problems": by_row.get(None, []), "problems": problems,
        "open_problems": [p for p in problems if p.status in PROBLEM_TO_FIX],
        "is_unit": editable, "problem_statuses": ProblemStatus, "grades": Grade.values,
        "execution_weight": rules.get("selfeval.execution_weight", 10),
        "default_deadline": timezone.localdate() + datetime.timedelta(
            days=int(rules.get("evaluation.review_return_days", 10))),
        "records": records,
        "last_return": next((r for r in reversed(records) if r.to_state == SelfEvalStatus.RETURNED), None),
        **history_context(se, *rows, *problems),
    }


def _rows_from_post(post):
    """{row id: {field: value}} from inputs named `row-<id>-<field>`; an unticked applicable box is False."""
    rows = {}
    for key, value in post.items():
        if not key.startswith("row-"):
            continue
        _prefix, pk, field = key.split("-", 2)
        if field in services.ROW_FIELDS:
            rows.setdefault(pk, {})[field] = value
        elif field == "present":
            rows.setdefault(pk, {}).setdefault("applicable", False)
    return rows


def _error_text(error):
    row, field, reason = error
    where = _("第%(n)s项指标") % {"n": row} if row else ""
    return f"{where}「{field}」：{reason}"


def _show_errors(request, exc):
    messages.error(request, str(exc))
    for error in exc.errors:
        messages.error(request, _error_text(error))


class SelfEvalSaveView(LoginRequiredMixin, View):
    """POST: save the unit's entries and rescore; with `submit`, submit in the same request. Under htmx the
    table part of the page comes back with the new scores. A refused save writes nothing and shows the page
    again with what was typed kept and each error beside its row and field."""

    def post(self, request, pk):
        se = SelfEvaluation.objects.visible_to(request.user).with_related().filter(pk=pk).first()
        if se is None:
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        data = {k: request.POST.get(k, "") for k in services.HEADER_FIELDS if k in request.POST}
        rows = _rows_from_post(request.POST)
        try:
            services.save_selfeval(se, request.user, data, rows,
                                   expected_version=request.POST.get("row_version") or None)
        except services.SelfEvalError as exc:
            context = {"se": se, "object": se, **detail_context(se, request.user, (data, rows), exc)}
            # htmx swaps only 2xx answers by default: the same <main> swap as a successful save.
            status = 200 if request.headers.get("HX-Request") else 422
            return render(request, "evaluation/selfeval_detail.html", context, status=status)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            if "submit" in request.POST:
                se.refresh_from_db()
                try:
                    services.submit(se, request.user, comment=request.POST.get("comment", ""))
                except WorkflowError as exc:
                    messages.warning(request, _("已保存，但未能提交：%(e)s") % {"e": exc})
                else:
                    messages.success(request, _("自评表已提交审核。"))
            else:
                messages.success(request, _("已保存，得分已重新计算。"))
        return redirect("evaluation:selfeval", pk=pk)


class SelfEvalTransitionView(LoginRequiredMixin, View):
    """POST: withdraw, department review, return or accept."""

    def post(self, request, pk):
        se = get_object_or_404(SelfEvaluation.objects.visible_to(request.user), pk=pk)
        action = request.POST.get("action", "")
        comment = request.POST.get("comment", "")
        version = request.POST.get("row_version") or None
        steps = {"withdraw": services.withdraw, "bureau_return": services.bureau_return, "accept": services.accept,
                 "dept_approve": lambda *a, **k: services.department_review(a[0], a[1], "approve", **k),
                 "dept_return": lambda *a, **k: services.department_review(a[0], a[1], "return", **k)}
        step = steps.get(action)
        if step is None:
            messages.error(request, _("未知操作。"))
            return redirect("evaluation:selfeval", pk=pk)
        try:
            step(se, request.user, comment=comment, expected_version=version)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            se.refresh_from_db()
            messages.success(request, _("操作成功：自评表当前状态为「%(s)s」。") % {"s": se.get_status_display()})
        return redirect("evaluation:selfeval", pk=pk)


class SelfEvalRefreshFundsView(LoginRequiredMixin, View):
    """POST: copy the budgets and the execution data into the funds block again."""

    def post(self, request, pk):
        se = get_object_or_404(SelfEvaluation.objects.visible_to(request.user), pk=pk)
        try:
            services.refresh_funds(se, request.user)
        except (services.SelfEvalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("资金数据已按最新预算和执行数据更新，得分已重新计算。"))
        return redirect("evaluation:selfeval", pk=pk)


class AgencyReviewerView(LoginRequiredMixin, View):
    """POST: the performance office adds a third-party agency user (by user name) as a reviewer."""

    def post(self, request, pk):
        se = get_object_or_404(SelfEvaluation.objects.visible_to(request.user), pk=pk)
        agency = User.objects.filter(username=request.POST.get("username", "").strip()).first()
        if agency is None:
            messages.error(request, _("没有该用户名的用户。"))
            return redirect("evaluation:selfeval", pk=pk)
        try:
            services.add_agency_reviewer(se, request.user, agency)
        except (services.SelfEvalError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已指定第三方审核人：%(u)s。") % {"u": agency})
        return redirect("evaluation:selfeval", pk=pk)


class ProblemCreateView(LoginRequiredMixin, View):
    """POST: a reviewer raises a problem on the table or on one row, with a deadline."""

    def post(self, request, pk):
        se = get_object_or_404(SelfEvaluation.objects.visible_to(request.user), pk=pk)
        row = None
        if request.POST.get("row"):
            row = SelfEvaluationRow.objects.filter(self_evaluation=se, pk=request.POST["row"]).first()
        deadline = None
        if request.POST.get("deadline"):
            try:
                deadline = datetime.date.fromisoformat(request.POST["deadline"])
            except ValueError:
                messages.error(request, _("「整改期限」应为日期，如 2026-03-31。"))
                return redirect("evaluation:selfeval", pk=pk)
        try:
            services.raise_problem(se, request.user, request.POST.get("description", ""), row=row,
                                   code=request.POST.get("code", ""), deadline=deadline)
        except services.SelfEvalError as exc:
            _show_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已记录审核问题。"))
        return redirect("evaluation:selfeval", pk=pk)


class ProblemActionView(LoginRequiredMixin, View):
    """POST: the unit fixes a problem (`fix`), a reviewer confirms or reopens it."""

    def post(self, request, pk):
        problem = get_object_or_404(SelfEvaluationProblem.objects.visible_to(request.user), pk=pk)
        action, note = request.POST.get("action", ""), request.POST.get("note", "")
        try:
            if action == "fix":
                services.fix_problem(problem, request.user, note)
            elif action in ("confirm", "reopen"):
                services.settle_problem(problem, request.user, action == "confirm", note)
            else:
                raise services.SelfEvalError(_("未知操作。"))
        except services.SelfEvalError as exc:
            _show_errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("审核问题已更新。"))
        return redirect("evaluation:selfeval", pk=problem.self_evaluation_id)


class SelfEvalXlsxView(LoginRequiredMixin, View):
    """GET: the official 项目支出绩效自评表 as .xlsx."""

    def get(self, request, pk):
        se = SelfEvaluation.objects.visible_to(request.user).with_related().filter(pk=pk).first()
        if se is None:
            raise Http404(_("记录不存在或不在您的查看范围内。"))
        content = excel.selfeval_xlsx(se, list(se.rows.all()))
        name = f"{_('项目支出绩效自评表')}_{se.project_year.project.code}_{se.project_year.year}.xlsx"
        return file_response(content, name)


class ReviewSummaryView(LoginRequiredMixin, TemplateView):
    """自评审核汇总: reports reviewed, problems raised, fixed and confirmed, fix rate, per year and region."""

    template_name = "evaluation/review_summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() else None
        rows = services.review_summary(self.request.user, year)
        totals = {k: sum(r[k] for r in rows) for k in ("total", "reviewed", "accepted", "raised", "fixed",
                                                        "confirmed")}
        totals["fix_rate"] = totals["confirmed"] / totals["raised"] if totals["raised"] else None
        context.update(rows=rows, totals=totals, year=year, years=[y for y, _label in year_choices()])
        return context
