"""Database work of the pools, each call one transaction: registration, vetting, records, ratings and draws.

Other stages call `commit_draw`, `reveal_draw` and `rate` (key evaluations draw their agency and experts here and
rate them when the job is done); `Draw.objects.for_target(obj)` finds the draws made for an object.
"""

import secrets
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.scopes import CHANGE, VIEW
from perfbudget.core.workflow import open_todos, transition
from perfbudget.orgs.choices import OrgKind, Role
from perfbudget.orgs.models import Organisation, Region
from perfbudget.rulesets.services import resolve

from . import draws, ranking
from .choices import DrawKind, DrawStatus, Field, PoolStatus
from .models import Agency, ConflictDeclaration, Draw, Expert, Rating, ViolationRecord
from .workflow import workflow_for

MAX_DRAW = 50


class PoolError(Exception):
    """A refused pool operation; the message is Chinese and shown as it is."""


def pool_rules(region):
    """The effective `pools.*` rules for `region` this year (and the rule-set label)."""
    rules = resolve(region, timezone.localdate().year)
    return {
        "violation_years": int(rules.get("pools.violation_years", 3)),
        "drop_lowest_share": Decimal(str(rules.get("pools.drop_lowest_share", "0.10"))),
        "min_rating": Decimal(str(rules.get("pools.min_rating", 60))),
        "min_ratings_for_ranking": int(rules.get("pools.min_ratings_for_ranking", 2)),
        "label": rules.label,
    }


def office_regions(user):
    """Regions where `user` is 绩效科 (the superuser: all)."""
    return Region.objects.visible_to(user, CHANGE, roles=(Role.PERFORMANCE_OFFICE,))


def _require_office(user, region):
    if not office_regions(user).filter(pk=region.pk).exists():
        raise PermissionDenied(_("只有%(region)s财政局绩效科可以进行此操作。") % {"region": region.name})


def _require_change(user, obj):
    if not type(obj).objects.visible_to(user, CHANGE).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("无权操作该记录，或记录不存在。"))


def _clean_fields(codes):
    valid = set(Field.values)
    codes = list(dict.fromkeys(str(c) for c in codes or ()))
    bad = [c for c in codes if c not in valid]
    if bad:
        raise ValidationError({"fields": _("未知的专业领域：%(f)s") % {"f": "、".join(bad)}})
    return codes


# --- registration and vetting ---------------------------------------------------------------------------

AGENCY_FIELDS = ("name", "credit_code", "qualifications", "fields", "staff_count", "certified_staff", "contact",
                 "phone")
EXPERT_FIELDS = ("name", "employer", "employer_org", "title", "fields", "phone", "user")


def _save_entry(obj, user, data, regions_served, ties=None):
    for key, value in data.items():
        setattr(obj, key, value)
    obj.fields = _clean_fields(obj.fields)
    obj.full_clean(exclude=["organisation"] if isinstance(obj, Agency) and not obj.organisation_id else None)
    is_new = obj.pk is None
    with acting_as(user):
        obj.save()
        if regions_served is not None:
            obj.regions_served.set(regions_served)
        if ties is not None:
            obj.ties.set(ties)
    if is_new:
        open_todos(obj, workflow_for(obj), obj.status)
    return obj


@transaction.atomic
def register_agency(user, region, data, regions_served=(), ties=()):
    """登记第三方机构 (申请中): creates its Organisation (kind agency) under the owner region, so agency users can be
    granted on it. `data` holds the AGENCY_FIELDS."""
    _require_office(user, region)
    data = {k: v for k, v in data.items() if k in AGENCY_FIELDS}
    data["credit_code"] = (data.get("credit_code") or "").strip().upper()
    agency = Agency(region=region, status=PoolStatus.PENDING)
    agency.organisation = None
    for key, value in data.items():
        setattr(agency, key, value)
    agency.fields = _clean_fields(agency.fields)
    agency.full_clean(exclude=["organisation"])
    org = Organisation(code=f"JG-{data['credit_code']}", name=data["name"], kind=OrgKind.AGENCY, region=region)
    with acting_as(user):
        org.save()
    agency.organisation = org
    return _save_entry(agency, user, {}, regions_served, ties)


@transaction.atomic
def update_agency(user, agency, data, regions_served=None, ties=None):
    """Edit an agency's particulars (not its status: that is vetting)."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _require_change(user, agency)
    data = {k: v for k, v in data.items() if k in AGENCY_FIELDS}
    if "credit_code" in data:
        data["credit_code"] = (data["credit_code"] or "").strip().upper()
    _save_entry(agency, user, data, regions_served, ties)
    if agency.organisation.name != agency.name:
        agency.organisation.name = agency.name
        with acting_as(user):
            agency.organisation.save(update_fields=["name"])
    return agency


@transaction.atomic
def register_expert(user, region, data, regions_served=()):
    """登记专家 (申请中). `data` holds the EXPERT_FIELDS (user and employer_org optional)."""
    _require_office(user, region)
    expert = Expert(region=region, status=PoolStatus.PENDING)
    return _save_entry(expert, user, {k: v for k, v in data.items() if k in EXPERT_FIELDS}, regions_served)


@transaction.atomic
def update_expert(user, expert, data, regions_served=None):
    """Edit an expert's particulars."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    _require_change(user, expert)
    return _save_entry(expert, user, {k: v for k, v in data.items() if k in EXPERT_FIELDS}, regions_served)


@transaction.atomic
def vet(user, subject, action, reason=""):
    """审核入库 / 暂停 / 恢复 / 清退 an agency or expert through its workflow (a workflow record each)."""
    record = transition(subject, workflow_for(subject), action, user, comment=reason)
    type(subject).objects.filter(pk=subject.pk).update(status_reason=(reason or "")[:500])
    subject.status_reason = (reason or "")[:500]
    return record


@transaction.atomic
def add_violation(user, subject, date, description, major=False, source=""):
    """Record a violation of an agency or expert (a major one keeps it out of draws for `pools.violation_years`)."""
    _require_change(user, subject)
    v = ViolationRecord(date=date, description=description, major=bool(major), source=source)
    v.subject = subject
    v.region_id = subject.region_id
    v.full_clean()
    with acting_as(user):
        v.save()
    return v


@transaction.atomic
def declare_conflict(user, subject, organisation, relation, valid_from=None, valid_to=None):
    """Record a declared conflict of interest between an agency or expert and an organisation."""
    _require_change(user, subject)
    c = ConflictDeclaration(organisation=organisation, relation=relation, valid_from=valid_from, valid_to=valid_to,
                            declared_by=user)
    c.subject = subject
    c.region_id = subject.region_id
    c.full_clean()
    with acting_as(user):
        c.save()
    return c


# --- ratings and ranking -----------------------------------------------------------------------------------

@transaction.atomic
def rate(user, subject, target=None, score=None, comment="", dimensions=None, label=""):
    """质量评价 after a job: `subject` an Agency or Expert, `target` the job (any model instance), score 0–100.

    `label` names the job when there is no target object (a rating entered on the page). Any 绩效科 that sees the
    subject (its region or a region above the owner) may rate; one rating per subject and target (a second one
    replaces the score).
    """
    if not type(subject).objects.visible_to(user, VIEW, roles=(Role.PERFORMANCE_OFFICE,)).filter(
            pk=subject.pk).exists():
        raise PermissionDenied(_("只有能看到该机构或专家的财政局绩效科可以评价。"))
    try:
        value = Decimal(str(score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": _("评分应为0到100之间的数字。")}) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({"score": _("评分应为0到100之间的数字，当前为%(v)s。") % {"v": value}})
    ct = ContentType.objects.get_for_model(type(target)) if target is not None else None
    key = {"agency": subject, "expert": None} if isinstance(subject, Agency) else {"agency": None, "expert": subject}
    existing = None
    if target is not None:
        existing = Rating.objects.select_for_update().filter(content_type=ct, object_id=target.pk, **key).first()
    r = existing or Rating(content_type=ct, object_id=target.pk if target is not None else None, **key)
    r.region_id = subject.region_id
    r.score, r.comment, r.dimensions, r.rated_by = value, comment or "", dimensions or {}, user
    r.target_label = (label or (str(target) if target is not None else ""))[:300]
    with acting_as(user):
        r.save()
    return r


def ratings_of(subject):
    """The ratings of an agency or expert, newest first."""
    key = "agency" if isinstance(subject, Agency) else "expert"
    return Rating.objects.filter(**{key: subject}).select_related("rated_by")


def ranking_for(user, kind, region):
    """Rank the approved and suspended entries owned by `region` that `user` sees; (rows, rules)."""
    model = Agency if kind == DrawKind.AGENCY else Expert
    rules = pool_rules(region)
    subjects = list(model.objects.visible_to(user).filter(region=region).exclude(status=PoolStatus.REMOVED)
                    .only("id", "name", "status"))
    key = "agency_id" if kind == DrawKind.AGENCY else "expert_id"
    scores = {}
    for sid, score in Rating.objects.filter(**{f"{key}__in": [s.pk for s in subjects]}).values_list(key, "score"):
        scores.setdefault(sid, []).append(score)
    entries = [{"id": s.pk, "name": s.name, "scores": scores.get(s.pk, [])} for s in subjects]
    rows = ranking.rank(entries, rules["min_ratings_for_ranking"], rules["min_rating"], rules["drop_lowest_share"])
    by_id = {s.pk: s for s in subjects}
    for row in rows:
        row.subject = by_id[row.id]
    return rows, rules


# --- draws -------------------------------------------------------------------------------------------------

def pool_candidates(kind, region):
    """The pool a draw in `region` draws from: entries owned by the region, and those that serve it."""
    model = Agency if kind == DrawKind.AGENCY else Expert
    qs = model.objects.filter(Q(region=region) | Q(regions_served=region)).distinct().order_by("pk")
    related = ["organisation"] if kind == DrawKind.AGENCY else ["employer_org"]
    return list(qs.select_related(*related))


def candidate_facts(kind, entries, today):
    """Plain facts (draws.CandidateFacts) about each entry for the exclusion rules."""
    key = "agency_id" if kind == DrawKind.AGENCY else "expert_id"
    ids = [e.pk for e in entries]
    majors, conflicts, ties = {}, {}, {}
    for sid, date in ViolationRecord.objects.filter(**{f"{key}__in": ids}, major=True).values_list(key, "date"):
        majors.setdefault(sid, []).append(date)
    for sid, path, start, end in ConflictDeclaration.objects.filter(**{f"{key}__in": ids}).values_list(
            key, "organisation__path", "valid_from", "valid_to"):
        conflicts.setdefault(sid, []).append((path, start, end))
    if kind == DrawKind.AGENCY:
        for sid, path in Agency.ties.through.objects.filter(agency_id__in=ids).values_list(
                "agency_id", "organisation__path"):
            ties.setdefault(sid, []).append(path)
    facts = []
    for e in entries:
        facts.append(draws.CandidateFacts(
            id=e.pk, name=e.name, status=e.status, fields=list(e.fields or ()),
            own_path=e.organisation.path if kind == DrawKind.AGENCY else "",
            employer_path=e.employer_org.path if kind == DrawKind.EXPERT and e.employer_org_id else "",
            tie_paths=ties.get(e.pk, []), conflicts=conflicts.get(e.pk, []), major_violations=majors.get(e.pk, [])))
    return facts


def build_inputs(kind, count, region, purpose, subject_orgs, commissioning_org, fields, target, today=None):
    """The canonical inputs of a draw as of `today`: the pool snapshot, the exclusions with reasons, the context."""
    today = today or timezone.localdate()
    rules = pool_rules(region)
    entries = pool_candidates(kind, region)
    facts = candidate_facts(kind, entries, today)
    labels = {c: str(lbl) for c, lbl in Field.choices}
    status_labels = {c: str(lbl) for c, lbl in PoolStatus.choices}
    ctx = draws.DrawContext(subject_paths=[o.path for o in subject_orgs], required_fields=list(fields), today=today,
                            violation_years=rules["violation_years"], field_labels=labels,
                            subject_names={o.path: o.name for o in subject_orgs})
    exclusions = {}
    for f in facts:
        reason = draws.exclusion_reason(f, ctx, approved=PoolStatus.APPROVED, status_label=status_labels.get(f.status))
        if reason:
            exclusions[f.id] = reason
    context = {
        "purpose": purpose, "region": region.code, "region_name": region.name, "date": today.isoformat(),
        "subjects": sorted(({"code": o.code, "name": o.name} for o in subject_orgs), key=lambda s: s["code"]),
        "commissioning": commissioning_org.code if commissioning_org else "",
        "fields": sorted(fields), "violation_years": rules["violation_years"], "rules": rules["label"],
        "target": f"{target._meta.label_lower}:{target.pk}" if target is not None else "",
    }
    candidates = [{"id": f.id, "name": f.name, "status": f.status, "fields": f.fields} for f in facts]
    return draws.canonical_inputs(kind, count, candidates, exclusions, context)


@transaction.atomic
def commit_draw(user, kind, count, region, purpose, subject_orgs=(), commissioning_org=None, fields=(), target=None):
    """随机抽取, step one: snapshot the pool, apply the exclusions, fix a secret seed and publish its hash.

    `kind` "agency" or "expert"; `subject_orgs` the evaluated bodies (their ties and conflicts are excluded);
    `commissioning_org` is refused when it is one of them (or lies under one: 主体分离); `fields` the specialty
    fields every candidate must cover; `target` the object the draw is for (generic FK). Only the region's 绩效科
    may draw. Raises PoolError (too few eligible candidates, self-commissioning) with a Chinese message.
    """
    if kind not in DrawKind.values:
        raise PoolError(_("抽取对象应为第三方机构或专家。"))
    _require_office(user, region)
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise PoolError(_("抽取数量应为整数。")) from None
    if not 1 <= count <= MAX_DRAW:
        raise PoolError(_("抽取数量应在1到%(max)s之间。") % {"max": MAX_DRAW})
    purpose = (purpose or "").strip()
    if not purpose:
        raise PoolError(_("请填写抽取事由。"))
    subject_orgs = list(dict.fromkeys(subject_orgs or ()))
    if commissioning_org is not None:
        for s in subject_orgs:
            if commissioning_org.pk == s.pk or commissioning_org.path.startswith(s.path):
                raise PoolError(_("委托单位「%(org)s」不能委托对自身（或其所属部门）的评价（权责清晰、主体分离）。")
                                % {"org": commissioning_org.name})
    try:
        fields = _clean_fields(fields)
    except ValidationError as exc:
        raise PoolError(exc.messages[0]) from None
    inputs = build_inputs(kind, count, region, purpose, subject_orgs, commissioning_org, fields, target)
    eligible = draws.eligible_ids(inputs)
    if len(eligible) < count:
        raise PoolError(_("符合条件的候选只有%(n)s个，少于抽取数量%(count)s个，无法抽取。"
                          "请扩大范围（领域、区划）或减少抽取数量。") % {"n": len(eligible), "count": count})
    seed = secrets.token_hex(32)
    draw = Draw(kind=kind, count=count, purpose=purpose[:300], region=region, commissioning_org=commissioning_org,
                fields=fields, inputs=inputs, inputs_hash=draws.inputs_hash(inputs),
                seed_hash=draws.sha256_hex(seed), sealed_seed=seed, created_by=user)
    if target is not None:
        draw.content_type = ContentType.objects.get_for_model(type(target))
        draw.object_id = target.pk
    with acting_as(user):
        draw.save()
        draw.subject_orgs.set(subject_orgs)
    return draw


@transaction.atomic
def reveal_draw(user, draw):
    """随机抽取, step two: publish the seed, compute the result with `draws.select` and store it (once)."""
    locked = Draw.objects.select_for_update().filter(pk=draw.pk).first()
    if locked is None:
        raise PoolError(_("抽取记录不存在。"))
    if locked.created_by_id != user.pk:
        _require_office(user, locked.region)
    if locked.status == DrawStatus.REVEALED:
        raise PoolError(_("该抽取已公开结果，不能再次公开。"))
    try:
        result = draws.select(locked.inputs, locked.sealed_seed)
    except draws.DrawError as exc:
        raise PoolError(str(exc)) from None
    locked.seed, locked.result, locked.status = locked.sealed_seed, result, DrawStatus.REVEALED
    locked.revealed_by, locked.revealed_at = user, timezone.now()
    with acting_as(user):
        locked.save()
    return locked


def verify_draw(draw):
    """(ok, problems, record) of a stored draw, replayed by the pure `draws.verify`."""
    record = draw.record()
    ok, problems = draws.verify(record)
    return ok, problems, record
