"""Money display: amounts are stored in 元 (exact Decimal) and shown in 万元 where the domain does."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def wan(value, places=2):
    """元 → 万元 text with thousands separators, e.g. 12345678.9 → "1,234.57"; blank stays blank."""
    if value in (None, ""):
        return ""
    quantum = Decimal(1).scaleb(-int(places))
    return f"{(Decimal(value) / 10000).quantize(quantum, rounding=ROUND_HALF_UP):,}"


@register.filter
def yuan(value):
    """元 with separators and two decimals."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
