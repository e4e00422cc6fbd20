"""Bootstrap rendering of form fields without a forms framework."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def bs(field, size=""):
    """Render a bound field's widget with Bootstrap classes (form-select for selects, form-control otherwise)."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    css = "form-select" if kind == "select" or widget.__class__.__name__.endswith("Select") else "form-control"
    if kind in ("checkbox", "radio"):
        css = "form-check-input"
    if size:
        css += f" {css.split()[0]}-{size}"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    # Count by iterating: django-filter's choice iterator has no len() for callable choices.
    choices = getattr(widget, "choices", None)
    if css.startswith("form-select") and choices is not None and sum(1 for _ in choices) > 15:
        attrs["data-tom-select"] = "1"
    return field.as_widget(attrs=attrs)


@register.filter
def pct(value, digits=1):
    """A ratio shown as a percentage: 0.8889 → '88.9%'; blank for None."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value)) * 100
        return f"{number.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)}%"
    except (ArithmeticError, TypeError, ValueError):
        return ""
