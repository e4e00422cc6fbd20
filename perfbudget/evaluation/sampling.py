"""抽评 sampling, pure Python: a stratified random sample of self-evaluations that anyone can replay from its record.

The population is the self-evaluations of one region and year, each described by plain facts (id, name, department,
project class, A/B/C class, full-year amount in 元). Strata are the combinations of the chosen keys (`STRATUM_KEYS`:
department × project class × amount band by default); amount bands are cut at the bounds the record states (the rule
set's A/B classification amounts unless the bureau gives others).

Allocation (`allocate`): n = ceil(share × N), shared in proportion to the stratum sizes N_h by largest remainder
(Hamilton; ties go to the earlier stratum). When n reaches the number of strata H, every stratum gets at least one:
strata whose quota is below one get exactly one and the rest is shared again among the others. When n < H, not every
stratum can be visited and the larger strata win.

Selection inside a stratum is a pools draw (`perfbudget.pools.draws`): the stratum's candidates become the inputs
of a perfbudget.draw/1 record (its context names the batch's inputs hash and the stratum), and the one seed of the
batch, committed by its hash before the reveal, ranks them by sha256(seed:inputs_hash:id). Each stratum's record is
therefore checked by `pools.draws.verify` as it stands, and `verify` here re-derives the strata and the allocation
from the batch inputs first, so neither the population, the strata nor the counts can be bent without the record
showing it.
"""

import math
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

from perfbudget.pools import draws

FORMAT = "perfbudget.spotcheck/1"
DRAW_KIND = "spot_check"
STRATUM_KEYS = ("department", "project_class", "abc_class", "amount_band")
DEFAULT_KEYS = ("department", "project_class", "amount_band")
KEY_LABELS = {"department": "主管部门", "project_class": "项目类别", "abc_class": "分级分类", "amount_band": "金额档次"}
CLASS_LABELS = {"personnel": "人员类", "operating": "运转类", "specific": "特定目标类", "": "未分类"}
ABC_LABELS = {"A": "A类", "B": "B类", "C": "C类", "": "未分级"}


class SamplingError(ValueError):
    """Inputs that cannot be sampled (bad share, unknown key, bad bounds); the message is Chinese."""


def to_share(value):
    """A share as Decimal in (0, 1]; accepts 0.1, "0.10", "10%"."""
    text = str(value).strip() if value is not None else ""
    percent = text.endswith(("%", "％"))
    try:
        share = Decimal(text.rstrip("%％").strip())
    except (InvalidOperation, ValueError):
        raise SamplingError(f"抽评比例「{text}」不是数字。") from None
    if not share.is_finite():
        raise SamplingError(f"抽评比例「{text}」不是数字。")
    if percent or share > 1:
        share = share / 100
    if share <= 0 or share > 1:
        raise SamplingError(f"抽评比例应大于0且不超过100%，现为「{text}」。")
    return share.normalize()


def plain_percent(share):
    """0.1 → "10", 0.125 → "12.5" (a share printed as a percentage without the sign)."""
    text = format((Decimal(str(share)) * 100).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_keys(keys):
    """The stratum keys in canonical order, or SamplingError naming an unknown key."""
    keys = list(dict.fromkeys(str(k) for k in keys or ()))
    unknown = [k for k in keys if k not in STRATUM_KEYS]
    if unknown:
        raise SamplingError("分层依据只能是" + "、".join(f"{k}（{KEY_LABELS[k]}）" for k in STRATUM_KEYS)
                            + "，不认识：" + "、".join(unknown) + "。")
    return [k for k in STRATUM_KEYS if k in keys]


def check_bounds(bounds):
    """Amount band bounds in 元 as strings, distinct and descending; SamplingError otherwise."""
    out = []
    for b in bounds or ():
        try:
            d = Decimal(str(b))
        except (InvalidOperation, ValueError):
            raise SamplingError(f"金额分档界限「{b}」不是数字。") from None
        if not d.is_finite() or d <= 0:
            raise SamplingError(f"金额分档界限应为正数（元），现为「{b}」。")
        out.append(d)
    out = sorted(set(out), reverse=True)
    return [format(d.normalize(), "f") for d in out]


def _wan(amount):
    return format((Decimal(amount) / 10000).normalize(), "f")


def _band_index(amount, bounds):
    amount = Decimal(str(amount or 0))
    for i, bound in enumerate(bounds):
        if amount >= Decimal(bound):
            return i
    return len(bounds)


def amount_band(amount, bounds):
    """The label of the band `amount` (元) falls in, bounds descending: "≥500万元", "100万–500万元", "<100万元"."""
    if not bounds:
        return "不分档"
    i = _band_index(amount, bounds)
    if i == 0:
        return f"≥{_wan(bounds[0])}万元"
    if i == len(bounds):
        return f"<{_wan(bounds[-1])}万元"
    return f"{_wan(bounds[i])}万–{_wan(bounds[i - 1])}万元"


CLASS_ORDER = {"personnel": 0, "operating": 1, "specific": 2}


def stratum_of(candidate, keys, bounds):
    """(sort key, label) of the stratum of one candidate (a dict with department, department_name, project_class,
    abc_class, amount); strata are listed by department, class order, A/B/C and amount band from the largest."""
    sort, parts = [], []
    for k in keys:
        if k == "department":
            name = str(candidate.get("department_name") or candidate.get("department") or "—")
            sort.append((str(candidate.get("department") or ""), name))
            parts.append(name)
        elif k == "project_class":
            value = candidate.get("project_class") or ""
            sort.append((CLASS_ORDER.get(value, 9), value))
            parts.append(CLASS_LABELS.get(value, value))
        elif k == "abc_class":
            value = candidate.get("abc_class") or ""
            sort.append((value or "Z", value))
            parts.append(ABC_LABELS.get(value, value))
        elif k == "amount_band":
            sort.append((_band_index(candidate.get("amount"), bounds), ""))
            parts.append(amount_band(candidate.get("amount"), bounds))
    return tuple(sort), (" · ".join(parts) if parts else "全部")


def sample_size(population, share):
    """n = ceil(share × N), never more than N (Decimal arithmetic, so 10% of 140 is exactly 14)."""
    if population <= 0:
        return 0
    n = math.ceil(to_share(share) * population)
    return min(int(n), population)


def _largest_remainder(total, weights):
    """Share the integer `total` in proportion to `weights` (list of ints): floors, then the largest remainders
    (ties: the earlier entry)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    quotas = [Decimal(total) * w / weight_sum for w in weights]
    counts = [int(q) for q in quotas]
    left = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return counts


def allocate(sizes, n):
    """Stratum sizes (OrderedDict label → N_h) and n → {label: n_h}; see the module docstring."""
    labels = [label for label, size in sizes.items() if size > 0]
    total = sum(sizes[label] for label in labels)
    n = max(0, min(int(n), total))
    counts = {}
    if n >= len(labels) > 0:
        # Strata whose proportional quota is below one get one each; the rest is shared again without them,
        # until every remaining quota is at least one (each round n − fixed ≥ strata fixed, so no stratum is
        # ever asked for more than it holds).
        fixed, rest = [], labels
        while True:
            m, pool = n - len(fixed), sum(sizes[label] for label in rest)
            small = [label for label in rest if m * sizes[label] < pool]
            if not small:
                break
            fixed += small
            rest = [label for label in rest if label not in small]
        counts = dict.fromkeys(fixed, 1)
        counts.update(zip(rest, _largest_remainder(n - len(fixed), [sizes[label] for label in rest]), strict=True))
    elif n > 0:
        counts = dict(zip(labels, _largest_remainder(n, [sizes[label] for label in labels]), strict=True))
    return OrderedDict((label, counts.get(label, 0)) for label in sizes)


def canonical_population(candidates):
    """Candidates in canonical form (id order, plain strings), as the record holds them."""
    rows = []
    for c in candidates:
        try:
            amount = format(Decimal(str(c.get("amount") or 0)).quantize(Decimal("0.01")), "f")
        except (InvalidOperation, ValueError):
            raise SamplingError(f"候选{c.get('id')}的金额「{c.get('amount')}」不是数字。") from None
        rows.append({"id": int(c["id"]), "name": str(c.get("name", "")), "department": str(c.get("department", "")),
                     "department_name": str(c.get("department_name", "")),
                     "project_class": str(c.get("project_class") or ""), "abc_class": str(c.get("abc_class") or ""),
                     "amount": amount})
    rows.sort(key=lambda r: r["id"])
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise SamplingError("候选名单中有重复的编号。")
    return rows


def build_inputs(candidates, share, keys=DEFAULT_KEYS, bounds=(), context=None):
    """The batch inputs hashed at commit: population, share, keys, bounds, sample size and context."""
    share = to_share(share)
    keys = check_keys(keys)
    bounds = check_bounds(bounds) if "amount_band" in keys else []
    population = canonical_population(candidates)
    return {"format": FORMAT, "share": format(share, "f"), "keys": keys, "amount_bounds": bounds,
            "population": population, "sample_size": sample_size(len(population), share),
            "context": dict(context or {})}


def strata(inputs):
    """OrderedDict label → [candidate dict], in stratum order (`stratum_of`), candidates in id order."""
    groups, order = {}, {}
    for c in inputs["population"]:
        sort, label = stratum_of(c, inputs["keys"], inputs["amount_bounds"])
        groups.setdefault(label, []).append(c)
        order.setdefault(label, sort)
    return OrderedDict((label, groups[label]) for label in sorted(groups, key=lambda lb: (order[lb], lb)))


def stratum_draw_inputs(inputs, digest, label, members, count):
    """The pools draw inputs of one stratum (perfbudget.draw/1), tied to the batch by its inputs hash."""
    candidates = [{"id": c["id"], "name": c["name"], "status": "submitted", "fields": []} for c in members]
    context = {"purpose": "抽评", "spot_check_inputs_hash": digest, "stratum": label, "population": len(members)}
    return draws.canonical_inputs(DRAW_KIND, count, candidates, {}, context)


def plan(inputs):
    """The committed plan: per stratum its label, size, count and pools draw inputs (no seed yet)."""
    digest = draws.inputs_hash(inputs)
    groups = strata(inputs)
    counts = allocate(OrderedDict((label, len(m)) for label, m in groups.items()), inputs["sample_size"])
    out = []
    for label, members in groups.items():
        entry = {"stratum": label, "size": len(members), "count": counts[label], "draw": None}
        if counts[label] > 0:
            d_inputs = stratum_draw_inputs(inputs, digest, label, members, counts[label])
            entry["draw"] = draws.make_record(d_inputs, draws.inputs_hash(d_inputs), "")
        out.append(entry)
    return out


def commit(inputs, seed):
    """The committed record: inputs, their hash, the seed's hash and the plan; the seed itself stays out."""
    seed_hash = draws.sha256_hex(seed)
    strata_plan = plan(inputs)
    for entry in strata_plan:
        if entry["draw"] is not None:
            entry["draw"]["seed_hash"] = seed_hash
    return {"format": FORMAT, "inputs": inputs, "inputs_hash": draws.inputs_hash(inputs), "seed_hash": seed_hash,
            "seed": "", "strata": strata_plan, "result": []}


def reveal(record, seed):
    """The revealed record: the seed published, each stratum drawn with `pools.draws.select`, the sample listed
    stratum by stratum in draw order."""
    if draws.sha256_hex(seed) != record["seed_hash"]:
        raise SamplingError("随机种子与承诺的种子哈希值不符。")
    out = dict(record, seed=seed, strata=[])
    result = []
    for entry in record["strata"]:
        entry = dict(entry)
        if entry["draw"] is not None:
            chosen = draws.select(entry["draw"]["inputs"], seed)
            entry["draw"] = dict(entry["draw"], seed=seed, result=chosen)
            result.extend(chosen)
        out["strata"].append(entry)
    out["result"] = result
    return out


def draw(inputs, seed):
    """Commit and reveal in one step (tests, replays)."""
    return reveal(commit(inputs, seed), seed)


def verify(record):
    """Replay a spot-check sample from its record: (ok, problems), each problem a Chinese sentence."""
    try:
        inputs = record["inputs"]
        stated = str(record.get("inputs_hash", ""))
        seed_hash = str(record.get("seed_hash", ""))
        seed = str(record.get("seed") or "")
        stated_strata = list(record["strata"])
        result = [int(i) for i in record.get("result") or []]
        expected = plan(inputs)
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
        return False, ["记录格式不完整：应含 inputs（候选、比例、分层依据）、inputs_hash、seed_hash、seed、"
                       "strata 和 result。"]
    problems = []
    actual = draws.inputs_hash(inputs)
    if actual != stated:
        problems.append(f"抽评输入的哈希值与记录不符（记录为{stated[:16]}…，重算为{actual[:16]}…），"
                        "候选名单、抽评比例或分层依据可能被改动。")
    try:
        n = sample_size(len(inputs["population"]), inputs["share"])
    except SamplingError as exc:
        problems.append(str(exc))
    else:
        if n != int(inputs.get("sample_size", -1)):
            problems.append(f"抽评数量应为{n}个（比例{inputs['share']}×{len(inputs['population'])}向上取整），"
                            f"记录为{inputs.get('sample_size')}个。")
    if not seed:
        problems.append("随机种子尚未公开，无法验证抽评样本。")
        return False, problems
    if draws.sha256_hex(seed) != seed_hash:
        problems.append("随机种子的哈希值与抽取前公布的种子哈希值不符，种子可能被更换。")
    by_label = {e.get("stratum"): e for e in stated_strata if isinstance(e, dict)}
    if [e.get("stratum") for e in stated_strata if isinstance(e, dict)] != [e["stratum"] for e in expected]:
        problems.append("记录中的分层与按输入重新分层的结果不一致。")
    replayed = []
    for exp in expected:
        label = exp["stratum"]
        got = by_label.get(label)
        if got is None:
            continue
        if int(got.get("count", -1)) != exp["count"] or int(got.get("size", -1)) != exp["size"]:
            problems.append(f"「{label}」层应有{exp['size']}个、抽取{exp['count']}个，记录为{got.get('size')}个、"
                            f"抽取{got.get('count')}个。")
        if exp["draw"] is None:
            if got.get("draw"):
                problems.append(f"「{label}」层不应抽取，记录中却有抽取结果。")
            continue
        sub = got.get("draw")
        if not isinstance(sub, dict):
            problems.append(f"「{label}」层缺少抽取记录。")
            continue
        if sub.get("inputs") != exp["draw"]["inputs"]:
            problems.append(f"「{label}」层的抽取输入与按抽评输入重算的不一致。")
        if sub.get("seed") != seed or sub.get("seed_hash") != seed_hash:
            problems.append(f"「{label}」层使用的种子与批次公开的种子不一致。")
        ok, sub_problems = draws.verify(sub)
        problems.extend(f"「{label}」层：{p}" for p in sub_problems if not ok)
        replayed.extend(int(i) for i in sub.get("result") or [])
    if replayed != result:
        problems.append("抽评样本名单与各层抽取结果的合并不一致。")
    return not problems, problems
