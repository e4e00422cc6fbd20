"""Vetting of agencies and experts (入库审核): 绩效科 approves, suspends, reinstates or removes, with a reason."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from perfbudget.core.workflow import Todo, Transition, Workflow
from perfbudget.orgs.choices import Role

from .choices import PoolStatus as S

OFFICE = frozenset({Role.PERFORMANCE_OFFICE})

TRANSITIONS = [
    Transition("approve", _("审核入库"), (S.PENDING,), S.APPROVED, OFFICE, style="success"),
    Transition("reinstate", _("恢复入库"), (S.SUSPENDED,), S.APPROVED, OFFICE, comment_required=True,
               style="success"),
    Transition("suspend", _("暂停"), (S.APPROVED,), S.SUSPENDED, OFFICE, comment_required=True, style="warning"),
    Transition("remove", _("清退"), (S.PENDING, S.APPROVED, S.SUSPENDED), S.REMOVED, OFFICE, comment_required=True,
               style="danger"),
]
VET_ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def _todos(noun):
    def todos(obj, state):
        if state != S.PENDING:
            return []
        return [Todo(Role.PERFORMANCE_OFFICE, _("%(noun)s入库审核：%(name)s") % {"noun": noun, "name": obj.name},
                     region=obj.region)]
    return todos


AGENCY_WORKFLOW = Workflow(
    name="pool_agency", stage="evaluation", state_labels=dict(S.choices), transitions=TRANSITIONS,
    todos=_todos(_("第三方机构")), url=lambda obj: reverse("pools:agency", args=[obj.pk]),
)
EXPERT_WORKFLOW = Workflow(
    name="pool_expert", stage="evaluation", state_labels=dict(S.choices), transitions=TRANSITIONS,
    todos=_todos(_("专家")), url=lambda obj: reverse("pools:expert", args=[obj.pk]),
)


def workflow_for(obj):
    """The vetting workflow of an Agency or an Expert."""
    from .models import Agency

    return AGENCY_WORKFLOW if isinstance(obj, Agency) else EXPERT_WORKFLOW
