"""Auditable random draws (随机抽取), pure Python: anyone can replay a draw from its record with hashlib alone.

A draw is made in two steps. The commit step fixes the inputs — every candidate of the pool (id, name, status,
fields) in id order, the excluded ones with their reason, the count and what the draw is for — and publishes
`inputs_hash = sha256(canonical JSON of the inputs)` together with `seed_hash = sha256(seed)` while the seed stays
secret. The reveal step publishes the seed: each eligible candidate is ranked by
`sha256(seed + ":" + inputs_hash + ":" + id)` (hex digest, ascending) and the first `count` are drawn. Since the seed
was fixed before anyone could see the ranking, and the inputs were fixed before the seed was known, nobody can steer
the result without the record showing it. docs/draws.md explains the check step by step.

Exclusion rules (`exclusion_reason`) are pure too: the service gathers plain facts about each candidate and this
module decides.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

FORMAT = "perfbudget.draw/1"


class DrawError(ValueError):
    """A draw that cannot be made (too few eligible candidates, bad inputs); the message is Chinese."""


def canonical_json(data):
    """The one byte string hashed for `data`: UTF-8 JSON, keys sorted, no spaces."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(text):
    """sha256 hex digest of a str (UTF-8) or bytes."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def canonical_inputs(kind, count, candidates, exclusions, context=None):
    """The inputs of a draw in canonical form.

    `candidates`: dicts with id, name, status, fields; `exclusions`: {id: Chinese reason}; `context`: what the draw
    is for (purpose, region, subject organisations, required fields...), hashed with the rest so it cannot change.
    Candidates are sorted by id, fields sorted, ids of exclusions written as strings (JSON object keys).
    """
    ids = {int(c["id"]) for c in candidates}
    rows = sorted(({"id": int(c["id"]), "name": str(c["name"]), "status": str(c["status"]),
                    "fields": sorted(str(f) for f in c.get("fields") or ())} for c in candidates),
                  key=lambda c: c["id"])
    excluded = {str(int(k)): str(v) for k, v in exclusions.items() if int(k) in ids}
    return {"format": FORMAT, "kind": str(kind), "count": int(count), "candidates": rows, "exclusions": excluded,
            "context": dict(context or {})}


def inputs_hash(inputs):
    """sha256 of the canonical JSON of the inputs."""
    return sha256_hex(canonical_json(inputs))


def eligible_ids(inputs):
    """Candidate ids not excluded, in id order."""
    excluded = set(inputs.get("exclusions", {}))
    return [c["id"] for c in inputs["candidates"] if str(c["id"]) not in excluded]


def rank_key(seed, digest, candidate_id):
    """The ranking value of one candidate: sha256(seed:inputs_hash:id) as hex."""
    return sha256_hex(f"{seed}:{digest}:{candidate_id}")


def select(inputs, seed):
    """The drawn ids, in draw order: eligible candidates ranked by `rank_key`, the first `count` taken."""
    count = int(inputs["count"])
    if count < 1:
        raise DrawError("抽取数量必须至少为1。")
    digest = inputs_hash(inputs)
    eligible = eligible_ids(inputs)
    if len(eligible) < count:
        raise DrawError(f"符合条件的候选只有{len(eligible)}个，少于抽取数量{count}个，无法抽取。"
                        "请扩大范围（领域、区划）或减少抽取数量。")
    ranked = sorted(eligible, key=lambda i: (rank_key(seed, digest, i), i))
    return ranked[:count]


def make_record(inputs, inputs_digest, seed_hash, seed="", result=None, draw_id=None):
    """The public record of a draw, as downloaded and as `verify` reads it."""
    return {"format": FORMAT, "id": draw_id, "inputs": inputs, "inputs_hash": inputs_digest, "seed_hash": seed_hash,
            "seed": seed or "", "result": list(result or [])}


def verify(record):
    """Replay a draw from its record: (ok, problems), each problem a Chinese sentence."""
    problems = []
    try:
        inputs = record["inputs"]
        stated_hash = str(record.get("inputs_hash", ""))
        seed_hash = str(record.get("seed_hash", ""))
        seed = str(record.get("seed") or "")
        result = [int(i) for i in record.get("result") or []]
        count = int(inputs["count"])
        ids = {c["id"] for c in inputs["candidates"]}
    except (KeyError, TypeError, ValueError, AttributeError):
        return False, ["记录格式不完整：应含 inputs（候选、排除、数量）、inputs_hash、seed_hash、seed 和 result。"]
    actual_hash = inputs_hash(inputs)
    if actual_hash != stated_hash:
        problems.append(f"输入数据的哈希值与记录不符（记录为{stated_hash[:16]}…，重算为{actual_hash[:16]}…），"
                        "候选名单、排除名单或抽取数量可能被改动。")
    if not seed:
        problems.append("随机种子尚未公开，无法验证抽取结果。")
        return False, problems
    if sha256_hex(seed) != seed_hash:
        problems.append("随机种子的哈希值与抽取前公布的种子哈希值不符，种子可能被更换。")
    if len(result) != count:
        problems.append(f"抽取结果有{len(result)}个，与抽取数量{count}个不符。")
    unknown = [i for i in result if i not in ids]
    if unknown:
        problems.append(f"抽取结果中的编号{'、'.join(map(str, unknown))}不在候选名单中。")
    excluded = [i for i in result if str(i) in inputs.get("exclusions", {})]
    if excluded:
        problems.append(f"抽取结果中的编号{'、'.join(map(str, excluded))}是被排除的候选。")
    try:
        # Replayed with the stated hash, so that a tampered inputs block still yields a comparable result.
        replay = _select_with(inputs, seed, stated_hash)
    except DrawError as exc:
        problems.append(str(exc))
    else:
        if replay != result:
            problems.append(f"按公开的种子重算的结果为{'、'.join(map(str, replay))}，与记录的结果"
                            f"{'、'.join(map(str, result)) or '（空）'}不一致。")
    return not problems, problems


def _select_with(inputs, seed, digest):
    count = int(inputs["count"])
    eligible = eligible_ids(inputs)
    if count < 1 or len(eligible) < count:
        raise DrawError(f"按记录的输入重算时，符合条件的候选只有{len(eligible)}个，不足抽取数量{count}个。")
    return sorted(eligible, key=lambda i: (rank_key(seed, digest, i), i))[:count]


# --- exclusion rules ------------------------------------------------------------------------------------

@dataclass
class CandidateFacts:
    """What the exclusion rules need to know about one agency or expert, as plain data.

    Paths are organisation paths (`/DEPT/UNIT/`): `own_path` is an agency's own organisation, `employer_path` an
    expert's employer; `tie_paths` the organisations the candidate is tied to; `conflicts` (path, start, end) the
    declared conflicts of interest (None: open); `major_violations` the dates of major violations.
    """

    id: int
    name: str
    status: str
    fields: list = field(default_factory=list)
    own_path: str = ""
    employer_path: str = ""
    tie_paths: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    major_violations: list = field(default_factory=list)


@dataclass
class DrawContext:
    """What the draw is about: the evaluated organisations (paths), required fields, the date and the rules."""

    subject_paths: list
    required_fields: list = field(default_factory=list)
    today: datetime.date = field(default_factory=datetime.date.today)
    violation_years: int = 3
    field_labels: dict = field(default_factory=dict)
    subject_names: dict = field(default_factory=dict)  # path -> name, for the reasons


def related(path_a, path_b):
    """True when one organisation is the other or lies under it (a unit and its department, either way)."""
    if not path_a or not path_b:
        return False
    # Paths end with "/", so that code "U1" never matches code "U10".
    path_a, path_b = path_a.rstrip("/") + "/", path_b.rstrip("/") + "/"
    return path_a.startswith(path_b) or path_b.startswith(path_a)


def years_before(day, years):
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def exclusion_reason(c, ctx, approved="approved", status_label=""):
    """The Chinese reason `c` cannot be drawn in `ctx`, or None when it is eligible."""
    if c.status != approved:
        return f"未处于已入库状态（当前为{status_label or c.status}）。"
    since = years_before(ctx.today, ctx.violation_years)
    recent = sorted(d for d in c.major_violations if since <= d <= ctx.today)
    if recent:
        return f"{ctx.violation_years}年内有重大违规记录（{recent[-1].isoformat()}）。"
    for subject in ctx.subject_paths:
        name = ctx.subject_names.get(subject, subject)
        if c.own_path and related(c.own_path, subject):
            return f"机构本身是被评价对象或与其存在隶属关系（{name}）。"
        if c.employer_path and related(c.employer_path, subject):
            return f"专家任职于被评价单位或其主管部门、下属单位（{name}）。"
        if any(related(t, subject) for t in c.tie_paths):
            return f"与被评价单位存在关联关系（{name}）。"
        for path, start, end in c.conflicts:
            if related(path, subject) and (start is None or start <= ctx.today) and (end is None or ctx.today <= end):
                return f"已申报与被评价单位存在利益冲突（{name}）。"
    missing = [f for f in ctx.required_fields if f not in set(c.fields)]
    if missing:
        return "专业领域不含：" + "、".join(str(ctx.field_labels.get(f, f)) for f in missing) + "。"
    return None
