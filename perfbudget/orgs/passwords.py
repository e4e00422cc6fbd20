"""Password rules (the validators of settings.AUTH_PASSWORD_VALIDATORS) with messages in the site's languages.

Django 5.2's minimum-length messages have no Chinese translation yet (their wording changed), so the import
and the password page would show them in English; known validator messages are reworded here by error code.
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MESSAGES = {
    "password_too_short": gettext_lazy("密码太短，至少需要%(min_length)s个字符。"),
    "password_too_common": gettext_lazy("密码过于常见，容易被猜到，请换一个。"),
    "password_entirely_numeric": gettext_lazy("密码不能全是数字。"),
    "password_too_similar": gettext_lazy("密码与%(verbose_name)s太相似。"),
}


def localised(error):
    """`error` (a ValidationError from the password validators) with the known messages reworded."""
    return ValidationError([
        ValidationError(MESSAGES[e.code], code=e.code, params=e.params) if e.code in MESSAGES else e
        for e in error.error_list
    ])


def check_password(password, user=None):
    """Validate `password` for `user` by the configured validators; raise a reworded ValidationError."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise localised(error) from None


def help_texts():
    """What the configured validators ask of a password, one sentence each."""
    texts = []
    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            texts.append(_("密码至少需要%(min_length)s个字符。") % {"min_length": validator.min_length})
        else:
            texts.append(validator.get_help_text())
    return texts


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change form with the password rules worded in the site's languages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = format_html_join("", "<li>{}</li>", ((t,) for t in help_texts()))
        self.fields["new_password1"].help_text = format_html("<ul class=\"mb-0 ps-3\">{}</ul>", items)

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                check_password(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, error)
