from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyevalsConfig(AppConfig):
    name = "perfbudget.keyevals"
    label = "keyevals"
    verbose_name = _("重点评价")
