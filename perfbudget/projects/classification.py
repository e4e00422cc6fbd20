"""A/B/C classification (分级分类, DOMAIN.md §4.1): a pure function of the amount, the key-work flag and the rules."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ClassResult:
    abc_class: str
    reason: str


def classify(amount, key_work, rules):
    """Class of a project from its amount (元) and key-work flag under `rules` (a mapping of rule values)."""
    amount = Decimal(amount or 0)
    a_min = Decimal(str(rules["classification.a_min_amount"]))
    b_min = Decimal(str(rules["classification.b_min_amount"]))
    if key_work and rules.get("classification.key_work_is_a", True):
        return ClassResult("A", "重点工作项目")
    if amount >= a_min:
        return ClassResult("A", f"金额{amount:,.2f}元 ≥ A类下限{a_min:,.0f}元")
    if amount >= b_min:
        return ClassResult("B", f"金额{amount:,.2f}元 ≥ B类下限{b_min:,.0f}元")
    return ClassResult("C", f"金额{amount:,.2f}元 < B类下限{b_min:,.0f}元")
