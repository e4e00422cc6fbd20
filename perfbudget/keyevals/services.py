"""Database work of 重点评价, each call one transaction: planning, assignment by draw, scoring, review, result,
rating and publication. Refusals raise `KeyEvalError` (or `ScoreError` with one message per item) in Chinese."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.models import TodoItem
from perfbudget.core.scopes import CHANGE, VIEW
from perfbudget.core.workflow import WorkflowError, transition
from perfbudget.orgs.choices import OrgKind, Role
from perfbudget.orgs.models import Organisation, Region
from perfbudget.projects.models import ProjectYear
from perfbudget.rulesets.services import resolve

from . import frameworks, spread
from .choices import SCORABLE, EvaluatorKind, FrameworkStatus, ObjectKind, PlanSource, Status
from .models import EvaluationFramework, Evaluator, EvaluatorScore, KeyEvaluation, KeyFinding, Recommendation
from .workflow import KEY_EVALUATION_WORKFLOW as WORKFLOW

OFFICE = (Role.PERFORMANCE_OFFICE,)
REPORT_FIELDS = ("background", "work_done", "conclusion", "indicator_analysis", "experience", "problems_causes",
                 "other")


class KeyEvalError(Exception):
    """A refused operation on a key evaluation; the message is Chinese and shown as it is."""


class ScoreError(KeyEvalError):
    """Scores refused: `errors` holds one Chinese message per problem, each naming the item."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("；".join(self.errors))


def office_regions(user):
    """Regions where `user` is 绩效科 (the superuser: all)."""
    return Region.objects.visible_to(user, CHANGE, roles=OFFICE)


def _require_office(user, region):
    if not office_regions(user).filter(pk=region.pk).exists():
        raise PermissionDenied(_("只有%(region)s财政局绩效科可以进行此操作。") % {"region": region.name})


def _locked(evaluation, user, action=CHANGE, roles=OFFICE):
    locked = (KeyEvaluation.objects.visible_to(user, action, roles=roles).select_for_update(of=("self",))
              .order_by().filter(pk=evaluation.pk).first())
    if locked is None:
        raise PermissionDenied(_("无权操作该重点评价，或记录不存在。"))
    return locked


def rules_of(evaluation):
    """The effective rules of the evaluation's region and year."""
    return resolve(evaluation.region, evaluation.year)


def organisation_label(org):
    """`Organisation.full_name`, or "" for None."""
    return org.full_name if org is not None else ""


def default_commissioning_org(user, region):
    """The organisation that commissions in `region` for `user`: its 绩效科 grant's section, else the bureau."""
    for g in user.grants:
        if g.role == Role.PERFORMANCE_OFFICE and g.organisation_id and g.organisation.region_id == region.pk:
            return g.organisation
    return Organisation.objects.filter(region=region, kind=OrgKind.BUREAU).order_by("pk").first()


def self_commission_problem(commissioning_org, subjects):
    """A Chinese message when the commissioning organisation would evaluate itself (or a body above or below it in
    its own tree: 主体分离), else None."""
    for s in subjects:
        if commissioning_org.pk == s.pk or s.path.startswith(commissioning_org.path) or \
                commissioning_org.path.startswith(s.path):
            message = _("委托单位「%(org)s」不能委托对自身或本部门所属单位的评价：%(subject)s（权责清晰、主体分离）。")
            return message % {"org": commissioning_org.name, "subject": s.name}
    return None


# Which framework kinds an evaluation of each object kind may use: policies are scored on the project set (10号
# annex 2 applies to policies too) and sub-districts on the department-wide set unless a region keeps its own.
COMPATIBLE_FRAMEWORKS = {
    ObjectKind.PROJECT: (ObjectKind.PROJECT,),
    ObjectKind.POLICY: (ObjectKind.POLICY, ObjectKind.PROJECT),
    ObjectKind.DEPARTMENT: (ObjectKind.DEPARTMENT,),
    ObjectKind.SUBDISTRICT: (ObjectKind.SUBDISTRICT, ObjectKind.DEPARTMENT),
    ObjectKind.PROCUREMENT: (ObjectKind.PROCUREMENT,),
}


def _check_framework(framework, kind, region, user):
    if framework is None:
        raise KeyEvalError(_("请选择评价指标体系。"))
    if not EvaluationFramework.objects.visible_to(user).filter(pk=framework.pk).exists():
        raise KeyEvalError(_("无权使用该评价指标体系。"))
    if framework.status != FrameworkStatus.ACTIVE:
        raise KeyEvalError(_("评价指标体系「%(f)s」已停用，请选用其最新版本。") % {"f": framework})
    if framework.kind not in COMPATIBLE_FRAMEWORKS[kind]:
        raise KeyEvalError(_("评价指标体系「%(f)s」适用于%(fk)s评价，与评价对象类型「%(k)s」不符。")
                           % {"f": framework.name, "fk": framework.get_kind_display(), "k": ObjectKind(kind).label})


@transaction.atomic
def plan(user, region, year, title, object_kind, subjects, framework, *, timing="ex_post", amount=0,
         project_years=(), commissioning_org=None, plan_source=PlanSource.MANUAL, background=""):
    """列入重点评价计划: a planned key evaluation of `subjects` (organisations) in `region`, by its 绩效科."""
    _require_office(user, region)
    title = (title or "").strip()
    if not title:
        raise KeyEvalError(_("请填写评价名称。"))
    if object_kind not in ObjectKind.values:
        raise KeyEvalError(_("未知的评价对象类型：%(k)s") % {"k": object_kind})
    subjects = list(dict.fromkeys(subjects or ()))
    if not subjects:
        raise KeyEvalError(_("请至少选择一个被评价单位。"))
    outside = [s.name for s in subjects if not s.region.path.startswith(region.path)]
    if outside:
        raise KeyEvalError(_("被评价单位不在%(region)s范围内：%(names)s。") % {"region": region.name,
                                                                     "names": "、".join(outside)})
    project_years = list(project_years or ())
    if object_kind == ObjectKind.PROJECT and not project_years:
        raise KeyEvalError(_("项目评价须指定被评价的项目年度。"))
    _check_framework(framework, object_kind, region, user)
    commissioning_org = commissioning_org or default_commissioning_org(user, region)
    if commissioning_org is None:
        raise KeyEvalError(_("%(region)s没有可作为委托单位的财政局。") % {"region": region.name})
    problem = self_commission_problem(commissioning_org, subjects)
    if problem:
        raise KeyEvalError(problem)
    try:
        amount = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise KeyEvalError(_("涉及金额应为数字（元）。")) from None
    if amount < 0:
        raise KeyEvalError(_("涉及金额不能为负数。"))
    evaluation = KeyEvaluation(region=region, year=int(year), title=title[:300], object_kind=object_kind,
                               timing=timing, amount=amount, commissioning_org=commissioning_org,
                               framework=framework, framework_name=str(framework)[:250], items=framework.items,
                               plan_source=plan_source, background=background or "", planned_by=user)
    with acting_as(user):
        evaluation.save()
        evaluation.subjects.set(subjects)
        if project_years:
            evaluation.project_years.set(project_years)
    return evaluation


def default_framework(user, kind, region):
    """The framework a new evaluation of `kind` uses by default: the region's own (nearest) active one of the kind,
    else the national template of the kind, else those of a compatible kind in the same order."""
    if not EvaluationFramework.objects.filter(owner_region__isnull=True).exists():
        # The national templates are reference data a migration loads; a flushed database (the demo reseeded,
        # a restore of business data only) has none, and planning must not stop for that.
        from .shipped import sync_national_frameworks

        sync_national_frameworks()
    visible = EvaluationFramework.objects.visible_to(user).current()
    for allowed in COMPATIBLE_FRAMEWORKS[kind]:
        qs = visible.filter(kind=allowed)
        own = qs.filter(owner_region__isnull=False, owner_region__path__in=_paths_up(region.path)).order_by(
            "-owner_region__path").first()
        found = own or qs.filter(owner_region__isnull=True).order_by("-version").first()
        if found is not None:
            return found
    return None


def _paths_up(path):
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def planned_for(region, year, project_year_ids):
    """{project year id: key evaluation id} of the project years already on the plan of `region` and `year`."""
    through = KeyEvaluation.project_years.through.objects.filter(
        projectyear_id__in=list(project_year_ids), keyevaluation__region=region, keyevaluation__year=year,
        keyevaluation__object_kind=ObjectKind.PROJECT)
    return dict(through.values_list("projectyear_id", "keyevaluation_id"))


@transaction.atomic
def plan_projects(user, region, year, project_year_ids, framework=None, source=PlanSource.MANUAL):
    """列入重点评价计划 for project years (idempotent: one planned evaluation per project year, region and year).

    Returns (created evaluations, number skipped because already on the plan)."""
    _require_office(user, region)
    framework = framework or default_framework(user, ObjectKind.PROJECT, region)
    ids = list(dict.fromkeys(int(i) for i in project_year_ids))
    years = (ProjectYear.objects.visible_to(user).select_for_update(of=("self",))
             .filter(pk__in=ids, project__region__path__startswith=region.path)
             .select_related("project__unit__region"))
    found = {py.pk: py for py in years}
    missing = [i for i in ids if i not in found]
    if missing:
        raise KeyEvalError(_("项目年度不存在或不在%(region)s范围内：%(ids)s。")
                           % {"region": region.name, "ids": "、".join(map(str, missing))})
    already = planned_for(region, year, ids)
    created = []
    for pk in ids:
        if pk in already:
            continue
        py = found[pk]
        amount = py.adjusted_budget if py.adjusted_budget is not None else py.initial_budget
        created.append(plan(user, region, year, _("%(name)s重点评价") % {"name": py.project.name},
                            ObjectKind.PROJECT, [py.project.unit], framework, amount=amount or 0,
                            project_years=[py], plan_source=source))
    return created, len(ids) - len(created)


@transaction.atomic
def assign(user, evaluation, fields=(), expert_fields=None):
    """委托: draw one agency and `evaluation.expert_count` experts (conflicts with the evaluated bodies excluded,
    self-commissioning refused), reveal both draws, record the evaluators and freeze the framework's items."""
    from perfbudget.pools import services as pool_services

    ev = _locked(evaluation, user)
    if ev.status != Status.PLANNED:
        raise KeyEvalError(_("只有计划中的重点评价可以委托。"))
    subjects = list(ev.subjects.all())
    problem = self_commission_problem(ev.commissioning_org, subjects)
    if problem:
        raise KeyEvalError(problem)
    count = int(rules_of(ev).get("evaluation.expert_count") or 3)
    purpose = _("重点评价：%(t)s") % {"t": ev.title}
    try:
        agency_draw = pool_services.commit_draw(user, "agency", 1, ev.region, purpose, subject_orgs=subjects,
                                                commissioning_org=ev.commissioning_org, fields=fields, target=ev)
        expert_draw = pool_services.commit_draw(
            user, "expert", count, ev.region, purpose, subject_orgs=subjects, commissioning_org=ev.commissioning_org,
            fields=fields if expert_fields is None else expert_fields, target=ev)
        agency_draw = pool_services.reveal_draw(user, agency_draw)
        expert_draw = pool_services.reveal_draw(user, expert_draw)
    except pool_services.PoolError as exc:
        raise KeyEvalError(str(exc)) from None
    rows = []
    for n, agency in enumerate(agency_draw.selected(), start=1):
        rows.append(Evaluator(evaluation=ev, kind=EvaluatorKind.AGENCY, agency=agency, position=n,
                              organisation_id=agency.organisation_id, name=agency.name, draw=agency_draw))
    for n, expert in enumerate(expert_draw.selected(), start=1):
        rows.append(Evaluator(evaluation=ev, kind=EvaluatorKind.EXPERT, expert=expert, position=n,
                              user_id=expert.user_id, name=expert.name, draw=expert_draw))
    with acting_as(user):
        for row in rows:
            row.save()
        ev.agency_draw, ev.expert_draw = agency_draw, expert_draw
        ev.items = ev.framework.items
        ev.framework_name = str(ev.framework)[:250]
        ev.save(update_fields=["agency_draw", "expert_draw", "items", "framework_name"])
    try:
        transition(ev, WORKFLOW, "assign", user)
    except WorkflowError as exc:
        raise KeyEvalError(str(exc)) from None
    open_evaluator_todos(ev)
    evaluation.__dict__.update(status=ev.status, row_version=ev.row_version)
    return ev


def open_evaluator_todos(evaluation):
    """A to-do in each expert's own inbox for every expert column not yet submitted (the agency's to-do comes
    from the workflow, addressed to its organisation). The item names the user and no role: the inbox matches a
    role granted on a region (as experts' are) against items of that role without an organisation, which would
    show one expert's item to every expert."""
    ct = ContentType.objects.get_for_model(KeyEvaluation)
    waiting = evaluation.evaluators.filter(kind=EvaluatorKind.EXPERT, submitted_at__isnull=True,
                                           user__isnull=False)
    have = set(TodoItem.objects.filter(content_type=ct, object_id=evaluation.pk, closed_at__isnull=True,
                                       user__isnull=False).values_list("user_id", flat=True))
    due = timezone.localdate() + datetime.timedelta(days=20)
    TodoItem.objects.bulk_create([
        TodoItem(content_type=ct, object_id=evaluation.pk, stage=WORKFLOW.stage, workflow=WORKFLOW.name,
                 state=evaluation.status, title=_("重点评价打分：%(t)s") % {"t": evaluation.title},
                 role="", user_id=e.user_id, url=WORKFLOW.url(evaluation), due_date=due)
        for e in waiting if e.user_id not in have])


def _close_evaluator_todos(evaluation, evaluator, user):
    ct = ContentType.objects.get_for_model(KeyEvaluation)
    mine = Q(user_id=evaluator.user_id) if evaluator.kind == EvaluatorKind.EXPERT and evaluator.user_id else \
        Q(role=Role.AGENCY, organisation_id=evaluator.organisation_id) if evaluator.kind == EvaluatorKind.AGENCY \
        else Q(pk__in=[])
    TodoItem.objects.filter(mine, content_type=ct, object_id=evaluation.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=user, closed_action="submit_scores")


def columns_for(user, evaluation):
    """The evaluator columns `user` enters scores for (its own; the agency also for experts without an account)."""
    mine = []
    agency_user = False
    for e in evaluation.evaluators.all():
        if e.is_user(user):
            mine.append(e)
            agency_user = agency_user or e.kind == EvaluatorKind.AGENCY
    if agency_user:
        mine += [e for e in evaluation.evaluators.all() if e.kind == EvaluatorKind.EXPERT and e.user_id is None]
    return mine


def _evaluator_for(user, evaluation, evaluator_id):
    for e in columns_for(user, evaluation):
        if evaluator_id is None or e.pk == int(evaluator_id):
            return e
    raise PermissionDenied(_("您不是该重点评价的评价人员，不能打分。"))


def parse_scores(leaves, rows):
    """Check the entered rows {code: {score, evidence, reason}} against the leaves; (clean rows, errors).

    A blank score is left out (not yet scored); a score must be a number between 0 and the item's weight."""
    by_code = {leaf.code: leaf for leaf in leaves}
    clean, errors = {}, []
    for code, row in rows.items():
        leaf = by_code.get(code)
        if leaf is None:
            errors.append(_("指标编码「%(code)s」不在本次评价的指标体系中。") % {"code": code})
            continue
        raw = str(row.get("score") if row.get("score") is not None else "").strip()
        entry = {"evidence": str(row.get("evidence") or "").strip(), "reason": str(row.get("reason") or "").strip()}
        if raw == "":
            entry["score"] = None
        else:
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors.append(_("指标「%(code)s %(name)s」：得分「%(v)s」不是数字。")
                              % {"code": code, "name": leaf.name, "v": raw})
                continue
            if value < 0 or value > leaf.weight:
                errors.append(_("指标「%(code)s %(name)s」：得分 %(v)s 应在0到分值 %(w)s 之间。")
                              % {"code": code, "name": leaf.name, "v": raw, "w": frameworks._fmt(leaf.weight)})
                continue
            if value.as_tuple().exponent < -2:
                errors.append(_("指标「%(code)s %(name)s」：得分最多保留两位小数。")
                              % {"code": code, "name": leaf.name})
                continue
            entry["score"] = value
        clean[code] = entry
    return clean, errors


@transaction.atomic
def save_scores(user, evaluation, rows, evaluator_id=None):
    """Save an evaluator's scores (partial saves allowed until it submits). The first save moves 已委托 → 评分中."""
    ev = _locked(evaluation, user, roles=(Role.AGENCY, Role.EXPERT))
    if ev.status not in SCORABLE:
        raise KeyEvalError(_("当前状态为「%(s)s」，不能打分。") % {"s": ev.get_status_display()})
    column = _evaluator_for(user, ev, evaluator_id)
    if column.submitted_at is not None:
        raise KeyEvalError(_("评分已提交，不能修改。"))
    clean, errors = parse_scores(ev.leaves, rows)
    if errors:
        raise ScoreError(errors)
    existing = {s.item_code: s for s in column.scores.all()}
    with acting_as(user):
        for code, entry in clean.items():
            row = existing.get(code)
            if entry["score"] is None:
                if row is not None:
                    row.delete()
                continue
            if row is None:
                row = EvaluatorScore(evaluation=ev, evaluator=column, item_code=code)
            elif (row.score, row.evidence, row.reason) == (entry["score"], entry["evidence"], entry["reason"]):
                continue
            row.score, row.evidence, row.reason, row.entered_by = (entry["score"], entry["evidence"],
                                                                   entry["reason"], user)
            row.save()
    if ev.status == Status.ASSIGNED:
        transition(ev, WORKFLOW, "start", user)
        open_evaluator_todos(ev)
    return column


def score_table(evaluation):
    """{evaluator id: {item code: score}} of every column."""
    table = {e.pk: {} for e in evaluation.evaluators.all()}
    for evaluator_id, code, score in EvaluatorScore.objects.filter(evaluation=evaluation).values_list(
            "evaluator_id", "item_code", "score"):
        table.setdefault(evaluator_id, {})[code] = score
    return table


def spread_share(evaluation):
    """The rule `evaluation.evaluator_spread_share` for the evaluation's region and year, as Decimal."""
    return Decimal(str(rules_of(evaluation).get("evaluation.evaluator_spread_share") or "0.2"))


def submission_problems(evaluation, column):
    """Why `column` may not submit yet: unscored items, missing evidence, far-off scores without a reason."""
    leaves = evaluation.leaves
    mine = {s.item_code: s for s in column.scores.all()}
    problems = []
    for leaf in leaves:
        row = mine.get(leaf.code)
        if row is None:
            problems.append(_("指标「%(code)s %(name)s」尚未打分。") % {"code": leaf.code, "name": leaf.name})
        elif not row.evidence.strip():
            problems.append(_("指标「%(code)s %(name)s」：请填写评分依据。") % {"code": leaf.code, "name": leaf.name})
    table = score_table(evaluation)
    found = [f for f in spread.flags(table, frameworks.weights(evaluation.items), spread_share(evaluation))
             if f.evaluator == column.pk]
    problems += spread.missing_reasons(found, {c: r.reason for c, r in mine.items()},
                                       {leaf.code: leaf.name for leaf in leaves})
    return problems


def unexplained_spread(evaluation, column, entered=None):
    """Codes of the items where `column`'s score is far from the other evaluators' mean (rule
    `evaluation.evaluator_spread_share`) and no reason is written: with its stored scores, or with `entered` =
    {code: {score, evidence, reason}} (a refused form) in their place — unreadable scores flag nothing."""
    table = score_table(evaluation)
    if entered is None:
        stored = list(column.scores.all())
        reasons = {s.item_code: s.reason for s in stored}
    else:
        clean, _errors = parse_scores(evaluation.leaves, entered)
        table[column.pk] = {code: e["score"] for code, e in clean.items() if e["score"] is not None}
        reasons = {code: str((row or {}).get("reason") or "") for code, row in entered.items()}
    found = spread.flags(table, frameworks.weights(evaluation.items), spread_share(evaluation))
    return {f.item_code for f in found if f.evaluator == column.pk and not (reasons.get(f.item_code) or "").strip()}


@transaction.atomic
def submit_scores(user, evaluation, evaluator_id=None):
    """提交评分: every item scored with evidence and every far-off score explained; the last column to submit
    moves the evaluation to 复核."""
    ev = _locked(evaluation, user, roles=(Role.AGENCY, Role.EXPERT))
    if ev.status not in SCORABLE:
        raise KeyEvalError(_("当前状态为「%(s)s」，不能提交评分。") % {"s": ev.get_status_display()})
    column = _evaluator_for(user, ev, evaluator_id)
    if column.submitted_at is not None:
        raise KeyEvalError(_("评分已提交。"))
    problems = submission_problems(ev, column)
    if problems:
        raise ScoreError(problems)
    column.submitted_at, column.submitted_by = timezone.now(), user
    with acting_as(user):
        column.save(update_fields=["submitted_at", "submitted_by"])
    _close_evaluator_todos(ev, column, user)
    if not ev.evaluators.filter(submitted_at__isnull=True).exists():
        transition(ev, WORKFLOW, "complete", user)
    return column


def result_of(evaluation):
    """(per-item means, total, grade, rules label) of the evaluation's current scores."""
    from perfbudget.evaluation.scoring import grade_of

    rules = rules_of(evaluation)
    means = spread.item_means(score_table(evaluation), [leaf.code for leaf in evaluation.leaves])
    total = spread.total_of(means)
    return means, total, grade_of(total, rules.get("grades.bands")), rules.label


def compute_result(evaluation):
    """Set the total, grade and rule-set label on `evaluation` (saved by the caller)."""
    _means, total, grade, label = result_of(evaluation)
    evaluation.total, evaluation.grade, evaluation.ruleset_label = total, str(grade or ""), label[:300]


def take(user, evaluation, action, comment=""):
    """A page's workflow button (finish, return, publish); returns the workflow record."""
    try:
        record = transition(evaluation, WORKFLOW, action, user, comment=comment)
    except WorkflowError as exc:
        raise KeyEvalError(str(exc)) from None
    if action == "return":
        open_evaluator_todos(KeyEvaluation.objects.get(pk=evaluation.pk))
    return record


def _review_locked(evaluation, user, states=(Status.REVIEW,)):
    ev = _locked(evaluation, user)
    if ev.status not in states:
        raise KeyEvalError(_("当前状态为「%(s)s」，不能修改复核内容。") % {"s": ev.get_status_display()})
    return ev


@transaction.atomic
def save_report(user, evaluation, values):
    """Save the report sections (基本情况, 评价工作开展情况, 综合评价结论 …) while scoring or in review."""
    ev = _review_locked(evaluation, user, states=(Status.PLANNED, Status.ASSIGNED, Status.SCORING, Status.REVIEW))
    for name in REPORT_FIELDS:
        if name in values:
            setattr(ev, name, str(values[name] or "").strip())
    with acting_as(user):
        ev.save()
    return ev


def _amount(value):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise KeyEvalError(_("涉及金额「%(v)s」不是数字（元）。") % {"v": value}) from None
    if number < 0:
        raise KeyEvalError(_("涉及金额不能为负数。"))
    return number


@transaction.atomic
def add_finding(user, evaluation, category, description, amount=None, item_code=""):
    """记录评价发现的问题 (in review)."""
    from .choices import FindingCategory

    ev = _review_locked(evaluation, user)
    description = (description or "").strip()
    if not description:
        raise KeyEvalError(_("请填写问题描述。"))
    if category not in FindingCategory.values:
        raise KeyEvalError(_("请选择问题类别。"))
    item_code = (item_code or "").strip()
    if item_code and item_code not in {leaf.code for leaf in ev.leaves}:
        raise KeyEvalError(_("指标编码「%(code)s」不在本次评价的指标体系中。") % {"code": item_code})
    finding = KeyFinding(evaluation=ev, category=category, description=description, amount=_amount(amount),
                         item_code=item_code, created_by=user)
    with acting_as(user):
        finding.save()
    return finding


@transaction.atomic
def add_recommendation(user, evaluation, text, addressee=""):
    """记录评价建议 (in review)."""
    ev = _review_locked(evaluation, user)
    text = (text or "").strip()
    if not text:
        raise KeyEvalError(_("请填写建议内容。"))
    rec = Recommendation(evaluation=ev, text=text, addressee=(addressee or "").strip()[:200], created_by=user)
    with acting_as(user):
        rec.save()
    return rec


@transaction.atomic
def remove_item(user, evaluation, model, pk):
    """Delete a finding or recommendation (in review)."""
    ev = _review_locked(evaluation, user)
    row = model.objects.filter(evaluation=ev, pk=pk).first()
    if row is None:
        raise KeyEvalError(_("记录不存在。"))
    with acting_as(user):
        row.delete()


@transaction.atomic
def rate_evaluator(user, evaluation, evaluator_id, score, comment=""):
    """质量评价 of the drawn agency or an expert once the evaluation is finished (pools `rate`)."""
    from django.core.exceptions import ValidationError

    from perfbudget.pools import services as pool_services

    ev = _locked(evaluation, user)
    if ev.status not in (Status.FINISHED, Status.PUBLISHED):
        raise KeyEvalError(_("重点评价完成后才能对第三方机构和专家进行质量评价。"))
    column = ev.evaluators.select_related("agency", "expert").filter(pk=evaluator_id).first()
    if column is None:
        raise KeyEvalError(_("评价人员不存在。"))
    try:
        pool_services.rate(user, column.subject, target=ev, score=score, comment=comment)
    except ValidationError as exc:
        raise KeyEvalError("；".join(exc.messages)) from None
    column.rated_at = timezone.now()
    with acting_as(user):
        column.save(update_fields=["rated_at"])
    return column


def visible_columns(user, evaluation):
    """The evaluator columns `user` may see the scores of: every column for the bureau and the released evaluated
    bodies; only its own for an agency user or an expert (scoring stays independent)."""
    others = [g.role for g in user.grants if g.role not in (Role.AGENCY, Role.EXPERT)]
    if user.is_superuser or (others and KeyEvaluation.objects.visible_to(user, VIEW, roles=others).filter(
            pk=evaluation.pk).exists()):
        return list(evaluation.evaluators.all())
    return columns_for(user, evaluation)
