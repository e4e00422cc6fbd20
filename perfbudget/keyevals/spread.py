"""Evaluator spread (打分偏离): where one evaluator's score of an item is far from the others' mean.

Rule `evaluation.evaluator_spread_share` (*default* 20%): an evaluator's score of an item that differs from the
mean of the other evaluators' scores of that item by more than share × the item's weight is flagged; the evaluator
must write a reason before submitting, and the office sees the flag when it reviews. An item scored by one
evaluator only has nothing to compare with. Plain data in, plain data out.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def _d(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _fmt(number):
    return format(number.quantize(CENT, rounding=ROUND_HALF_UP).normalize(), "f")


@dataclass(frozen=True)
class Flag:
    """One evaluator's score of one item, too far from the others' mean."""

    evaluator: object
    item_code: str
    score: Decimal
    others_mean: Decimal
    limit: Decimal

    @property
    def difference(self):
        return abs(self.score - self.others_mean)


def flags(scores, weights, share):
    """Flags for `scores` = {evaluator: {item code: score}} against `weights` = {item code: weight}.

    Items without a weight (not in the framework) are ignored; so are evaluators with no score for the item."""
    share = _d(share)
    out = []
    for code, weight in weights.items():
        entered = {ev: _d(per_item[code]) for ev, per_item in scores.items() if per_item.get(code) is not None}
        if len(entered) < 2:
            continue
        limit = _d(weight) * share
        total = sum(entered.values(), Decimal(0))
        for ev, score in entered.items():
            others = (total - score) / (len(entered) - 1)
            if abs(score - others) > limit:
                out.append(Flag(ev, code, score, others, limit))
    return out


def missing_reasons(found, reasons, names):
    """Chinese messages for the flags that have no reason: `reasons` = {item code: text}, `names` = {code: name}."""
    messages = []
    for flag in found:
        if (reasons.get(flag.item_code) or "").strip():
            continue
        messages.append(_("指标「%(code)s %(name)s」：打分 %(score)s 与其他评价人平均分 %(mean)s 相差 %(diff)s 分，"
                          "超过允许幅度 %(limit)s 分，请填写偏离说明。")
                        % {"code": flag.item_code, "name": names.get(flag.item_code, ""), "score": _fmt(flag.score),
                           "mean": _fmt(flag.others_mean), "diff": _fmt(flag.difference), "limit": _fmt(flag.limit)})
    return messages


def item_means(scores, codes):
    """{item code: mean of the evaluators' scores, rounded to cents} for the items someone scored."""
    out = {}
    for code in codes:
        entered = [_d(per_item[code]) for per_item in scores.values() if per_item.get(code) is not None]
        if entered:
            out[code] = (sum(entered, Decimal(0)) / len(entered)).quantize(CENT, rounding=ROUND_HALF_UP)
    return out


def total_of(means):
    """The total of per-item means."""
    return sum(means.values(), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
