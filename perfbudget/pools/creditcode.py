"""统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character over the first 17."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17):
    """The check character the standard computes for the first 17 characters (which must be in CHARSET)."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code):
    """None when `code` is a valid credit code, else the Chinese reason."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return _("统一社会信用代码应为18位，当前为%(n)s位。") % {"n": len(code)}
    bad = [ch for ch in code if ch not in CHARSET]
    if bad:
        return _("统一社会信用代码含有不允许的字符「%(ch)s」（不使用 I、O、S、V、Z）。") % {"ch": bad[0]}
    expected = check_character(code[:17])
    if code[17] != expected:
        return (_("统一社会信用代码校验位错误：第18位应为「%(exp)s」，实为「%(got)s」。")
                % {"exp": expected, "got": code[17]})
    return None


def validate_credit_code(value):
    """Django validator: refuses a code that is not 18 characters with the right check character."""
    message = problem(value)
    if message:
        raise ValidationError(message, code="credit_code")
