"""Checking one rule value against its definition (used by the edit page, the API and imports)."""

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


def clean_value(definition, raw):
    """Return `raw` converted to the rule's kind, or raise ValidationError with a Chinese message."""
    kind = definition.kind
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "on", "yes", "是"):
            return True
        if text in ("0", "false", "off", "no", "否", ""):
            return False
        raise ValidationError(_("「%(label)s」应为是或否。") % {"label": definition.label})
    if kind == "choice":
        allowed = [c[0] for c in definition.choices]
        if raw not in allowed:
            raise ValidationError(_("「%(label)s」只能取：%(allowed)s。") % {"label": definition.label,
                                                                          "allowed": "、".join(allowed)})
        return raw
    if kind == "json":
        if isinstance(raw, str):
            try:
                value = json.loads(raw)
            except ValueError:
                raise ValidationError(_("「%(label)s」不是有效的 JSON。") % {"label": definition.label})
        else:
            value = raw
        if type(value) is not type(definition.default):
            raise ValidationError(_("「%(label)s」的结构应与默认值相同。") % {"label": definition.label})
        if definition.validator:
            try:
                import_string(definition.validator)(value)
            except ValueError as exc:
                raise ValidationError(_("「%(label)s」有误：%(reason)s") % {"label": definition.label, "reason": exc})
        return value
    text = str(raw).strip().replace(",", "").replace("，", "")
    if kind == "percent" and text.endswith("%"):
        text = str(Decimal(text[:-1]) / 100) if text[:-1] else ""
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(_("「%(label)s」应为数字，收到「%(raw)s」。") % {"label": definition.label, "raw": raw})
    if definition.minimum is not None and number < Decimal(str(definition.minimum)):
        raise ValidationError(_("「%(label)s」不能小于 %(min)s。") % {"label": definition.label,
                                                                  "min": definition.minimum})
    if definition.maximum is not None and number > Decimal(str(definition.maximum)):
        raise ValidationError(_("「%(label)s」不能大于 %(max)s。") % {"label": definition.label,
                                                                  "max": definition.maximum})
    if kind in ("int", "money"):
        if number != number.to_integral_value():
            raise ValidationError(_("「%(label)s」应为整数。") % {"label": definition.label})
        return int(number)
    return float(number)
