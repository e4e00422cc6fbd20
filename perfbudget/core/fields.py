"""Form fields for how finance staff type numbers: "1,200,000.00", "１２０万", "120万元", "3.5亿"."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(亿元|亿|万元|万|元)?$")
_SCALE = {"亿元": Decimal(100_000_000), "亿": Decimal(100_000_000), "万元": Decimal(10_000), "万": Decimal(10_000)}


def parse_amount(value):
    """An amount in 元 as an exact Decimal, or raise ValueError with a Chinese reason. Blank → None."""
    if value is None:
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().translate(FULL_WIDTH).replace(",", "").replace(" ", "").replace("\u3000", "")
    if text == "":
        return None
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError(_("金额应为数字（可带“万元”“元”，如 1,200,000.00 或 120万），不能包含其他文字"))
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        raise ValueError(_("金额应为数字"))
    return number * _SCALE.get(match.group(2) or "", Decimal(1))


class MoneyField(forms.DecimalField):
    """An amount in 元, typed in a text box (so separators and 万 are accepted), stored exactly."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_amount(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid")
        value = None if number is None else super().to_python(str(number))
        if value is not None and self.decimal_places is not None and value.as_tuple().exponent >= -self.decimal_places:
            value = value.quantize(Decimal(1).scaleb(-self.decimal_places))  # 1100000 → 1100000.00, as stored
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs
