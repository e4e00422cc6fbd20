"""The lifecycle stages, in the order a finance bureau runs them each year (codes stored, labels translated)."""

from django.utils.translation import gettext_lazy as _

STAGES = {
    "projects": _("项目库"),
    "exante": _("事前绩效评估"),
    "goals": _("绩效目标"),
    "monitoring": _("运行监控"),
    "evaluation": _("绩效评价"),
    "results": _("结果应用"),
}
ORDER = {code: i for i, code in enumerate(STAGES)}


def stage_label(code):
    return STAGES.get(code, code)
