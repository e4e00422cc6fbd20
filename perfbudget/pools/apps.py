from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolsConfig(AppConfig):
    name = "perfbudget.pools"
    label = "pools"
    verbose_name = _("第三方机构库与专家库")
