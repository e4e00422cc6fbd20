"""抽评 operations that touch the database, each one transaction and re-checked through the scope: draw a
stratified sample (commit, then reveal), assign re-evaluators, re-score an item through the scoring engine, sign
the exchange sheet (签证单) on both sides, compare and publish.

The batch moves through `SPOT_WORKFLOW` (core workflow engine: records and to-do items): drawn → 复核中 (every item
has a re-evaluator) → 意见交换 (every item re-scored and signed by its re-evaluator; the units get a to-do) → 已公开
(every unit has signed; the bureau writes the conclusion).
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from perfbudget.core.audit import acting_as
from perfbudget.core.models import TodoItem
from perfbudget.core.scopes import CHANGE
from perfbudget.core.workflow import Todo, Transition, Workflow, WorkflowError, transition
from perfbudget.orgs.choices import Role
from perfbudget.orgs.models import Region, RoleGrant, User
from perfbudget.rulesets.services import resolve

from . import sampling
from .choices import SelfEvalStatus
from .models import SelfEvaluation
from .models_spot import SpotCheck, SpotCheckItem, SpotCheckStatus
from .services import result_decimal, score_document, selfeval_document

S = SpotCheckStatus
CENT = Decimal("0.01")
# Self-evaluations that have been submitted at least once count in the population (drafts do not).
POPULATION_STATUSES = (SelfEvalStatus.DEPT_REVIEW, SelfEvalStatus.BUREAU_REVIEW, SelfEvalStatus.RETURNED,
                       SelfEvalStatus.ACCEPTED)
REVIEWER_ROLES = (Role.PERFORMANCE_OFFICE, Role.FUNDING_SECTION, Role.AGENCY)
OWNER_ROLES = (Role.UNIT, Role.DEPARTMENT)
REVIEW_FIELDS = ("actual", "judgement", "applicable", "reason")


class SpotCheckError(Exception):
    """A refused operation; `errors` lists (row number or None, field label, reason) for the page and the API."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.errors = list(errors)


# --- rules and permissions --------------------------------------------------------------------------------

def spot_rules(region, year):
    """The effective share, amount bounds (A/B classification amounts) and rule-set label for (region, year)."""
    rules = resolve(region, year)
    bounds = [rules.get("classification.a_min_amount", 5_000_000), rules.get("classification.b_min_amount", 1_000_000)]
    return {"share": sampling.to_share(rules.get("evaluation.spot_check_share", 0.10)),
            "bounds": sampling.check_bounds(bounds), "label": rules.label, "values": rules.values}


def office_regions(user):
    """Regions where `user` is 绩效科 (may draw and steer batches)."""
    return Region.objects.visible_to(user, CHANGE, roles=(Role.PERFORMANCE_OFFICE,))


def _require_office(user, region):
    if not office_regions(user).filter(pk=region.pk).exists():
        raise PermissionDenied(_("只有%(region)s财政局绩效科可以进行此操作。") % {"region": region.name})


def _locked_batch(sc):
    locked = SpotCheck.objects.select_for_update(of=("self",)).select_related("region").filter(pk=sc.pk).first()
    if locked is None:
        raise SpotCheckError(_("抽评批次不存在。"))
    return locked


def _locked_item(item, user, roles):
    locked = (SpotCheckItem.objects.visible_to(user, CHANGE, roles=roles).select_for_update(of=("self",))
              .filter(pk=item.pk).first())
    if locked is None:
        raise PermissionDenied(_("无权操作该抽评项目，或记录不存在。"))
    return SpotCheckItem.objects.with_related().get(pk=locked.pk)


def _check_version(obj, expected):
    if stale := obj.stale_message(expected):
        raise SpotCheckError(stale)


# --- the draw ------------------------------------------------------------------------------------------------

def population(region, year):
    """The self-evaluations a batch of (region, year) draws from: the region's own projects, submitted ones."""
    return (SelfEvaluation.objects.filter(project_year__project__region=region, project_year__year=year,
                                          status__in=POPULATION_STATUSES)
            .select_related("project_year__project__department").order_by("pk"))


def candidates(qs):
    """Plain candidate dicts for `sampling.build_inputs`."""
    out = []
    for se in qs:
        p = se.project_year.project
        out.append({"id": se.pk, "name": f"{p.code} {p.name}", "department": p.department.code,
                    "department_name": p.department.name, "project_class": p.project_class,
                    "abc_class": se.project_year.abc_class, "amount": se.full_budget or se.initial_budget})
    return out


@transaction.atomic
def commit_spot_check(user, region, year, share=None, keys=None, bounds=None):
    """抽评, step one: fix the population, strata and counts, and a secret seed whose hash is published.

    `share` defaults to the rule set's `evaluation.spot_check_share` and may not be below it; `keys` are the
    stratum keys (`sampling.STRATUM_KEYS`, default department × project class × amount band); `bounds` the amount
    band bounds in 元 (default: the rule set's A/B classification amounts). Only the region's 绩效科 may draw.
    """
    _require_office(user, region)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise SpotCheckError(_("评价年度应为整数。")) from None
    rules = spot_rules(region, year)
    try:
        share = rules["share"] if share in (None, "") else sampling.to_share(share)
        keys = sampling.check_keys(sampling.DEFAULT_KEYS if keys is None else keys)
        bounds = rules["bounds"] if bounds is None else sampling.check_bounds(bounds)
    except sampling.SamplingError as exc:
        raise SpotCheckError(str(exc)) from None
    if share < rules["share"]:
        raise SpotCheckError(_("抽评比例不得低于规则集规定的%(min)s%%。")
                             % {"min": sampling.plain_percent(rules["share"])})
    duplicate = _("%(region)s%(year)s年度已有抽评批次。") % {"region": region.name, "year": year}
    if SpotCheck.objects.filter(region=region, year=year).exists():
        raise SpotCheckError(duplicate)
    cands = candidates(population(region, year))
    if not cands:
        raise SpotCheckError(_("%(region)s%(year)s年度没有已提交的单位自评表，无法抽评。")
                             % {"region": region.name, "year": year})
    context = {"purpose": "抽评", "region": region.code, "region_name": region.name, "year": year,
               "rules": rules["label"], "statuses": list(POPULATION_STATUSES)}
    inputs = sampling.build_inputs(cands, share, keys, bounds, context)
    seed = secrets.token_hex(32)
    record = sampling.commit(inputs, seed)
    sc = SpotCheck(region=region, year=year, share=share, strata_keys=inputs["keys"],
                   amount_bounds=inputs["amount_bounds"], population_size=len(cands),
                   sample_size=inputs["sample_size"], inputs=inputs, inputs_hash=record["inputs_hash"],
                   seed_hash=record["seed_hash"], sealed_seed=seed, strata=record["strata"], ruleset=rules["label"],
                   created_by=user)
    try:
        with transaction.atomic(), acting_as(user):
            sc.save()
    except IntegrityError:
        raise SpotCheckError(duplicate) from None
    return sc


def _row_snapshot(row):
    def num(v):
        return None if v is None else str(v)

    return {"row": row.pk, "position": row.position, "level1": row.level1, "level2": row.level2, "name": row.name,
            "target": row.target, "qualitative": row.qualitative, "weight": num(row.weight),
            "self_actual": row.actual, "self_judgement": num(row.judgement), "self_applicable": row.applicable,
            "self_score": num(row.score), "actual": None, "judgement": None, "applicable": None, "reason": "",
            "score": None, "explanation": ""}


@transaction.atomic
def reveal_spot_check(user, sc):
    """抽评, step two: publish the seed, draw every stratum (`sampling.reveal`) and create the items, each with a
    snapshot of the self-evaluation's score and rows."""
    locked = _locked_batch(sc)
    _require_office(user, locked.region)
    if locked.status != S.COMMITTED:
        raise SpotCheckError(_("该批次已公开抽取结果，不能再次公开。"))
    committed = {"format": sampling.FORMAT, "inputs": locked.inputs, "inputs_hash": locked.inputs_hash,
                 "seed_hash": locked.seed_hash, "seed": "", "strata": locked.strata, "result": []}
    try:
        record = sampling.reveal(committed, locked.sealed_seed)
    except (sampling.SamplingError, ValueError) as exc:
        raise SpotCheckError(str(exc)) from None
    stratum_of = {}
    for entry in record["strata"]:
        for i in (entry["draw"] or {}).get("result", []):
            stratum_of[i] = entry["stratum"]
    ses = SelfEvaluation.objects.in_bulk(record["result"])
    items = []
    for position, se_id in enumerate(record["result"], start=1):
        se = ses[se_id]
        items.append(SpotCheckItem(
            spot_check=locked, self_evaluation=se, position=position, stratum=stratum_of[se_id][:200],
            self_total=se.total_score, self_grade=se.grade, claimed_total=se.claimed_total,
            review_rows=[_row_snapshot(r) for r in se.rows.order_by("position", "id")]))
    locked.seed, locked.strata, locked.result = record["seed"], record["strata"], record["result"]
    locked.status, locked.revealed_by, locked.revealed_at = S.DRAWN, user, timezone.now()
    with acting_as(user):
        locked.save()
        for item in items:  # one by one, so that each creation is change-logged
            item.save()
    sc.__dict__.update({k: getattr(locked, k) for k in ("seed", "strata", "result", "status", "row_version")})
    return locked


def draw_spot_check(user, region, year, share=None, keys=None, bounds=None, reveal=True):
    """Commit and (by default) reveal at once, as the API's draw does; returns the batch."""
    sc = commit_spot_check(user, region, year, share, keys, bounds)
    return reveal_spot_check(user, sc) if reveal else sc


def verify_spot_check(sc):
    """(ok, problems, record) of a stored batch, replayed by the pure `sampling.verify`."""
    record = sc.record()
    ok, problems = sampling.verify(record)
    return ok, problems, record


# --- re-evaluators ------------------------------------------------------------------------------------------

def reviewer_candidates(sc):
    """Users who may re-evaluate in the batch's region: 绩效科, 业务科室 and third-party agencies."""
    region = sc.region
    grants = RoleGrant.objects.filter(
        Q(role__in=(Role.PERFORMANCE_OFFICE, Role.FUNDING_SECTION, Role.AGENCY))
        & (Q(region=region) | Q(organisation__region=region)))
    return User.objects.filter(pk__in=grants.values("user_id"), is_active=True).order_by("username")


@transaction.atomic
def assign_reviewer(user, sc, items, reviewer):
    """Assign `reviewer` to the given items of the batch (before or during 复核); returns the count."""
    locked = _locked_batch(sc)
    _require_office(user, locked.region)
    if locked.status not in (S.DRAWN, S.REVIEWING):
        raise SpotCheckError(_("只有已抽取或复核中的批次可以指定复核人。"))
    if reviewer is None or not reviewer_candidates(locked).filter(pk=reviewer.pk).exists():
        raise SpotCheckError(_("复核人应为本区划财政局绩效科、业务科室人员或第三方机构。"))
    ids = [i.pk if isinstance(i, SpotCheckItem) else int(i) for i in items]
    chosen = list(SpotCheckItem.objects.filter(spot_check=locked, pk__in=ids))
    if not chosen:
        raise SpotCheckError(_("请选择要指定复核人的抽评项目。"))
    with acting_as(user):
        for item in chosen:
            if item.reviewer_id != reviewer.pk:
                item.reviewer = reviewer
                item.reviewer_signed_by, item.reviewer_signed_at = None, None
                item.save(update_fields=["reviewer", "reviewer_signed_by", "reviewer_signed_at"])
    return len(chosen)


# --- re-scoring ------------------------------------------------------------------------------------------------

def _bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "off", "否", "不适用")


def _clean_review_rows(snapshot, data):
    """The reviewer's entries per snapshot row ({row id: {actual, judgement, applicable, reason}}), validated;
    SpotCheckError with every problem (row number, field, reason) when any is bad."""
    errors, out = [], []
    known = {r["row"] for r in snapshot}
    for rid in data:
        if int(rid) not in known:
            errors.append((None, _("指标"), _("指标行%(id)s不属于该自评表。") % {"id": rid}))
    for n, r in enumerate(snapshot, start=1):
        entry = dict(r)
        given = data.get(r["row"], data.get(str(r["row"]), {}))
        actual = given.get("actual", r["actual"] if r["actual"] is not None else r["self_actual"])
        actual = "" if actual is None else str(actual).strip()
        if len(actual) > 100:
            errors.append((n, _("复核实际完成值"), _("不能超过100个字符。")))
        judgement = given.get("judgement", r["judgement"] if r["actual"] is not None else r["self_judgement"])
        if judgement in ("", None):
            judgement = None
        else:
            text = str(judgement).strip()
            try:
                value = Decimal(text.rstrip("%％")) / (100 if text.endswith(("%", "％")) else 1)
            except (InvalidOperation, ValueError):
                errors.append((n, _("达成比例"), _("「%(v)s」不是数字。") % {"v": text}))
                value = None
            if value is not None and not (value.is_finite() and 0 <= value <= 1):
                errors.append((n, _("达成比例"), _("应在0到1之间（或0%%到100%%）。")))
                value = None
            judgement = None if value is None else str(value.quantize(Decimal("0.001")))
        applicable = given.get("applicable", r["applicable"] if r["applicable"] is not None else r["self_applicable"])
        reason = str(given.get("reason", r["reason"]) or "").strip()
        entry.update(actual=actual, judgement=judgement, applicable=_bool(applicable), reason=reason)
        out.append(entry)
    if errors:
        raise SpotCheckError(_("复核数据有%(n)s处错误，未保存。") % {"n": len(errors)}, errors)
    return out


def review_document(item, rows, executed=None):
    """The perfbudget.selfeval/1 document of the re-evaluation: the self-evaluation's funds and targets with the
    reviewer's actuals and judgements (and executed amount, when re-checked); the unit's claims are left out."""
    se = item.self_evaluation
    fake_rows = [SimpleNamespace(level1=r["level1"], level2=r["level2"], name=r["name"], target=r["target"],
                                 actual=r["actual"] or "", applicable=r["applicable"], reason=r["reason"],
                                 deviation_note="", weight=result_decimal(r["weight"], Decimal("0.0001")),
                                 judgement=result_decimal(r["judgement"], Decimal("0.001")), claimed_score=None)
                 for r in rows]
    doc = selfeval_document(se, fake_rows)
    doc.pop("claimed_total", None)
    doc.pop("claimed_grade", None)
    doc["funds"].pop("claimed_score", None)
    if executed is not None:
        doc["funds"]["executed"] = float(executed)
    return doc


def _parse_executed(value):
    if value in (None, ""):
        return None
    text = str(value).replace(",", "").strip()
    try:
        amount = Decimal(text).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise SpotCheckError(_("复核全年执行数有误。"), [(None, _("复核全年执行数(元)"),
                                                       _("「%(v)s」不是金额。") % {"v": text})]) from None
    if amount < 0 or not amount.is_finite():
        raise SpotCheckError(_("复核全年执行数有误。"), [(None, _("复核全年执行数(元)"), _("不能为负数。"))])
    return amount


@transaction.atomic
def rescore_item(user, item, rows=None, executed=None, opinion=None, expected_version=None):
    """复核评分: the reviewer's actuals and judgements per row (`rows`: {row id: {actual, judgement, applicable,
    reason}}; rows not given keep their values, at first the unit's), scored by the engine with the region's
    rules; stores the scores, the grade and the difference with the self-evaluation. Re-scoring clears both
    signatures. Only the assigned re-evaluator (or the region's 绩效科) while the batch is 复核中."""
    locked = _locked_item(item, user, REVIEWER_ROLES)
    _may_review(locked, user)
    _check_version(locked, expected_version)
    entries = _clean_review_rows(locked.review_rows, {int(k): v for k, v in (rows or {}).items()})
    amount = _parse_executed(executed) if executed not in (None, "") else locked.review_executed
    rules = resolve(locked.self_evaluation.project_year.project.region, locked.self_evaluation.project_year.year)
    result = score_document(review_document(locked, entries, amount), rules.values)
    scored = {it.get("index", i): it for i, it in enumerate(result.get("indicators", []))}
    for i, entry in enumerate(entries):
        it = scored.get(i, {})
        entry["score"] = None if it.get("score") is None else str(result_decimal(it["score"]))
        entry["explanation"] = str(it.get("explanation") or "")
    locked.review_rows = entries
    locked.review_executed = amount
    locked.review_result = result
    locked.review_execution_score = result_decimal(result.get("execution_score"))
    locked.review_total = result_decimal(result.get("total_score"))
    locked.review_grade = result.get("grade") or ""
    locked.difference = (locked.review_total - locked.self_total
                         if locked.review_total is not None and locked.self_total is not None else None)
    if opinion is not None:
        locked.reviewer_opinion = str(opinion).strip()
    locked.reviewed_by, locked.reviewed_at = user, timezone.now()
    # A new score needs new signatures: both sides signed the sheet as it was.
    locked.reviewer_signed_by, locked.reviewer_signed_at = None, None
    locked.unit_signed_by, locked.unit_signed_at, locked.agreed = None, None, None
    with acting_as(user):
        locked.save()
    return locked


def _may_review(item, user):
    if item.spot_check.status != S.REVIEWING:
        raise SpotCheckError(_("批次处于「%(s)s」状态，不能复核评分。") % {"s": item.spot_check.get_status_display()})
    if user.is_superuser or item.reviewer_id == user.pk:
        return
    if office_regions(user).filter(pk=item.spot_check.region_id).exists():
        return
    raise PermissionDenied(_("只有指定的复核人或本区划绩效科可以复核该项目。"))


@transaction.atomic
def sign_as_reviewer(user, item, opinion, expected_version=None):
    """复核方签字 on the exchange sheet, with the reviewer's opinion (re-scored first)."""
    locked = _locked_item(item, user, REVIEWER_ROLES)
    _may_review(locked, user)
    _check_version(locked, expected_version)
    opinion = (opinion or locked.reviewer_opinion or "").strip()
    if locked.review_total is None:
        raise SpotCheckError(_("请先完成复核评分再签字。"))
    if not opinion:
        raise SpotCheckError(_("请填写复核意见。"), [(None, _("复核意见"), _("不能为空。"))])
    locked.reviewer_opinion = opinion
    locked.reviewer_signed_by, locked.reviewer_signed_at = user, timezone.now()
    with acting_as(user):
        locked.save()
    return locked


@transaction.atomic
def sign_as_unit(user, item, opinion, agreed, expected_version=None):
    """被评价单位签字 on the exchange sheet: agrees or not, with its opinion (required when it disagrees)."""
    locked = _locked_item(item, user, OWNER_ROLES)
    if locked.spot_check.status != S.EXCHANGING:
        raise SpotCheckError(_("批次处于「%(s)s」状态，不能签署签证单。")
                             % {"s": locked.spot_check.get_status_display()})
    _check_version(locked, expected_version)
    opinion = (opinion or "").strip()
    if agreed in (None, ""):
        raise SpotCheckError(_("请选择是否认可复核结果。"), [(None, _("单位是否认可"), _("必须选择。"))])
    agreed = _bool(agreed)
    if not agreed and not opinion:
        raise SpotCheckError(_("不认可复核结果时须写明意见和理由。"), [(None, _("被评价单位意见"), _("不能为空。"))])
    locked.unit_opinion, locked.agreed = opinion or _("无异议。"), agreed
    locked.unit_signed_by, locked.unit_signed_at = user, timezone.now()
    with acting_as(user):
        locked.save()
    return locked


# --- comparison and conclusions -----------------------------------------------------------------------------

def _plain(value):
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_conclusion(item):
    """The conclusion of one item when the bureau writes none: both scores, grades and the difference."""
    if item.review_total is None:
        return ""
    text = _("复核得分%(r)s分（%(rg)s），单位自评得分%(s)s分（%(sg)s），相差%(d)s分") % {
        "r": _plain(item.review_total), "rg": item.review_grade or "—", "s": _plain(item.self_total),
        "sg": item.self_grade or "—", "d": _plain(item.difference)}
    text += _("，评价等级由%(a)s调整为%(b)s。") % {"a": item.self_grade, "b": item.review_grade} \
        if item.grade_changed else _("，评价等级不变。")
    return text


def comparison(items):
    """The comparison table of a batch as plain rows (自评 vs 复核, difference, grade change, exchange state)."""
    rows = []
    for it in items:
        p = it.self_evaluation.project_year.project
        rows.append({
            "id": it.pk, "position": it.position, "code": p.code, "name": p.name, "unit": p.unit.name,
            "department": p.department.name, "stratum": it.stratum,
            "reviewer": str(it.reviewer) if it.reviewer_id else "",
            "self_total": it.self_total, "self_grade": it.self_grade, "review_total": it.review_total,
            "review_grade": it.review_grade, "difference": it.difference, "grade_changed": it.grade_changed,
            "agreed": it.agreed, "reviewer_signed": it.reviewer_signed_at is not None,
            "unit_signed": it.unit_signed_at is not None, "conclusion": it.conclusion,
        })
    return rows


def summary(items):
    """Counts and means of a batch: items, re-scored, signed, grade changes, mean difference."""
    items = list(items)
    scored = [i for i in items if i.difference is not None]
    mean = (sum((i.difference for i in scored), Decimal(0)) / len(scored)).quantize(CENT) if scored else None
    return {"total": len(items), "assigned": sum(1 for i in items if i.reviewer_id),
            "scored": len(scored), "reviewer_signed": sum(1 for i in items if i.reviewer_signed_at),
            "unit_signed": sum(1 for i in items if i.unit_signed_at),
            "grade_changed": sum(1 for i in items if i.grade_changed),
            "disagreed": sum(1 for i in items if i.agreed is False), "mean_difference": mean}


# --- the batch workflow --------------------------------------------------------------------------------------

def _all_assigned(sc, user):
    n = sc.items.filter(reviewer__isnull=True).count()
    return _("还有%(n)s个抽评项目未指定复核人。") % {"n": n} if n else None


def _all_reviewed(sc, user):
    n = sc.items.filter(Q(review_total__isnull=True) | Q(reviewer_signed_at__isnull=True)).count()
    return _("还有%(n)s个抽评项目未完成复核评分或复核方未签字。") % {"n": n} if n else None


def _all_signed(sc, user):
    n = sc.items.filter(unit_signed_at__isnull=True).count()
    if n:
        return _("还有%(n)s个抽评项目的被评价单位未签署签证单。") % {"n": n}
    if not sc.conclusion.strip():
        return _("请先填写抽评结论。")
    return None


def _todos(sc, state):
    title = str(sc)
    if state == S.REVIEWING:
        return [Todo(Role.PERFORMANCE_OFFICE, _("组织抽评复核：%(t)s") % {"t": title}, region=sc.region, due_days=None)]
    if state == S.EXCHANGING:
        units = {}
        for item in sc.items.select_related("self_evaluation__project_year__project__unit"):
            unit = item.self_evaluation.project_year.project.unit
            units.setdefault(unit.pk, unit)
        return [Todo(Role.UNIT, _("确认抽评签证单：%(t)s") % {"t": title}, organisation=u, due_days=10)
                for u in units.values()]
    return []


def _on_enter(sc, t, user):
    if t.action == "publish":
        sc.published_by, sc.published_at = user, timezone.now()


OFFICE = frozenset({Role.PERFORMANCE_OFFICE})

SPOT_WORKFLOW = Workflow(
    name="spot_check",
    stage="evaluation",
    state_labels=dict(S.choices),
    transitions=[
        Transition("start_review", gettext_lazy("开始复核"), (S.DRAWN,), S.REVIEWING, OFFICE, guard=_all_assigned),
        Transition("exchange", gettext_lazy("发送签证单交换意见"), (S.REVIEWING,), S.EXCHANGING, OFFICE,
                   guard=_all_reviewed),
        Transition("back_to_review", gettext_lazy("退回复核"), (S.EXCHANGING,), S.REVIEWING, OFFICE,
                   comment_required=True, style="secondary"),
        Transition("publish", gettext_lazy("公开抽评结论"), (S.EXCHANGING,), S.PUBLISHED, OFFICE, guard=_all_signed,
                   style="success"),
    ],
    todos=_todos,
    url=lambda sc: reverse("evaluation:spot_check", args=[sc.pk]),
    on_enter=_on_enter,
)


def step(user, sc, action, comment="", expected_version=None):
    """Take a workflow step on the batch (start_review, exchange, back_to_review). Entering 复核中 also gives every
    re-evaluator a to-do of their own (an agency holds no region the bureau's to-do could reach); the next step
    closes them with the batch's other to-do items."""
    record = transition(sc, SPOT_WORKFLOW, action, user, comment, expected_version)
    if record.to_state == S.REVIEWING:
        ct = ContentType.objects.get_for_model(SpotCheck)
        counts = {}
        for reviewer_id in sc.items.exclude(reviewer=None).values_list("reviewer_id", flat=True):
            counts[reviewer_id] = counts.get(reviewer_id, 0) + 1
        url = SPOT_WORKFLOW.url(sc)
        TodoItem.objects.bulk_create([
            TodoItem(content_type=ct, object_id=sc.pk, stage=SPOT_WORKFLOW.stage, workflow=SPOT_WORKFLOW.name,
                     state=S.REVIEWING, role="reviewer", user_id=uid, url=url,
                     title=_("抽评复核：%(t)s（%(n)s个项目）") % {"t": str(sc), "n": n})
            for uid, n in counts.items()])
    return record


@transaction.atomic
def publish(user, sc, conclusion, item_conclusions=None, expected_version=None):
    """公开抽评结论: the batch's conclusion (required) and each item's (default: `default_conclusion`), then the
    workflow step to 已公开 (every exchange sheet must be signed by the unit)."""
    locked = _locked_batch(sc)
    _require_office(user, locked.region)
    if locked.status != S.EXCHANGING:
        raise SpotCheckError(_("只有意见交换阶段的批次可以公开结论。"))
    _check_version(locked, expected_version)
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise SpotCheckError(_("请填写抽评结论。"), [(None, _("抽评结论"), _("不能为空。"))])
    given = {int(k): str(v).strip() for k, v in (item_conclusions or {}).items()}
    with acting_as(user):
        locked.conclusion = conclusion
        locked.save(update_fields=["conclusion"])
        for item in locked.items.select_related("self_evaluation"):
            text = given.get(item.pk) or item.conclusion or default_conclusion(item)
            if text != item.conclusion:
                item.conclusion = text
                item.save(update_fields=["conclusion"])
    try:
        transition(locked, SPOT_WORKFLOW, "publish", user)
    except WorkflowError as exc:
        raise SpotCheckError(str(exc)) from None
    return SpotCheck.objects.get(pk=locked.pk)


def date_text(value):
    """A signature date as printed on the sheet (2026年3月5日), or blank lines when unsigned."""
    if not value:
        return "____年__月__日"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"
