"""The workflow engine: one table of transitions per kind of object, one `transition()` for all.

Goals, monitoring forms, self-evaluations, key evaluations and rectifications each declare a `Workflow`;
`transition()` locks the row, checks state, role, scope, staleness and guard, moves the state, writes a
`WorkflowRecord`, closes the object's open to-do items and opens those of whoever must act next.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import acting_as
from .middleware import current_request_id
from .models import TodoItem, WorkflowRecord
from .scopes import CHANGE


class WorkflowError(Exception):
    """A refused transition; the message is shown to the user as it is."""


@dataclass(frozen=True)
class Transition:
    """(source states, action) → target state, for the given roles, if the guard passes."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    guard: Callable | None = None  # guard(obj, user) -> error message or None
    comment_required: bool = False
    style: str = "primary"
    route: Callable | None = None  # route(obj) -> target state, when the next state depends on the object

    def target_for(self, obj):
        return self.route(obj) if self.route is not None else self.target


@dataclass(frozen=True)
class Todo:
    """Who must act on an object in a state: a role at a region (region roles) or at an organisation."""

    role: str
    title: str
    region: object = None
    organisation: object = None
    due_days: int | None = 5


@dataclass
class Workflow:
    """A state machine over one model's `state_field`."""

    name: str
    stage: str  # a code of core.stages.STAGES
    transitions: list[Transition]
    state_labels: dict[str, str]
    todos: Callable = field(default=lambda obj, state: [])  # todos(obj, state) -> [Todo]
    url: Callable = field(default=lambda obj: "")
    state_field: str = "status"
    on_enter: Callable | None = None  # on_enter(obj, transition, user): side effects inside the transaction

    def state_of(self, obj):
        return getattr(obj, self.state_field)

    def label_of(self, state):
        return str(self.state_labels.get(state, state))

    def find(self, action):
        return [t for t in self.transitions if t.action == action]

    def available(self, obj, user):
        """Transitions the user could take on `obj` now (state and role; guards are checked on submit)."""
        state = self.state_of(obj)
        result = []
        for t in self.transitions:
            if state in t.sources and _user_may(obj, user, t):
                result.append(t)
        return result


def _user_may(obj, user, transition):
    """True when one of the user's grants with an allowed role reaches `obj` for writing."""
    if not user.is_superuser and not user.has_role(*transition.roles):
        return False
    return type(obj).objects.visible_to(user, CHANGE, roles=transition.roles).filter(pk=obj.pk).exists()


def transition(obj, workflow, action, user, comment="", expected_version=None, remarks=None):
    """Take `action` on `obj` as `user`; returns the `WorkflowRecord`, or raises `WorkflowError`."""
    comment = (comment or "").strip()
    candidates = workflow.find(action)
    if not candidates:
        raise WorkflowError(_("未知操作：%(action)s") % {"action": action})
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().filter(pk=obj.pk).first()
        if locked is None:
            raise WorkflowError(_("记录不存在或已被删除。"))
        state = workflow.state_of(locked)
        matching = [t for t in candidates if state in t.sources]
        if not matching:
            raise WorkflowError(
                _("当前状态为「%(state)s」，不能执行「%(action)s」。")
                % {"state": workflow.label_of(state), "action": candidates[0].label}
            )
        t = matching[0]
        if not _user_may(locked, user, t):
            raise WorkflowError(_("您没有执行「%(action)s」的权限。") % {"action": t.label})
        if stale := locked.stale_message(expected_version):
            raise WorkflowError(stale)
        if t.comment_required and not comment:
            raise WorkflowError(_("「%(action)s」必须填写意见。") % {"action": t.label})
        if t.guard is not None:
            problem = t.guard(locked, user)
            if problem:
                raise WorkflowError(str(problem))
        target = t.target_for(locked)
        setattr(locked, workflow.state_field, target)
        with acting_as(user):
            if workflow.on_enter is not None:
                workflow.on_enter(locked, t, user)
            locked.save()
        ct = ContentType.objects.get_for_model(model)
        role = next((g.role for g in user.grants if g.role in t.roles), "") if not user.is_superuser else "admin"
        record = WorkflowRecord.objects.create(
            content_type=ct, object_id=locked.pk, workflow=workflow.name, action=t.action, action_label=str(t.label),
            from_state=state, to_state=target, user=user, role=role, comment=comment, remarks=remarks or {},
            request_id=current_request_id() or "",
        )
        now = timezone.now()
        TodoItem.objects.filter(content_type=ct, object_id=locked.pk, closed_at__isnull=True).update(
            closed_at=now, closed_by=user, closed_action=t.action
        )
        open_todos(locked, workflow, target, ct=ct)
    obj.__dict__.update({workflow.state_field: target, "row_version": locked.row_version})
    return record


def open_todos(obj, workflow, state, ct=None):
    """Create the to-do items the workflow declares for `obj` in `state`."""
    ct = ct or ContentType.objects.get_for_model(type(obj))
    today = timezone.localdate()
    items = [
        TodoItem(
            content_type=ct, object_id=obj.pk, stage=workflow.stage, workflow=workflow.name, state=state,
            title=todo.title, role=todo.role, region=todo.region, organisation=todo.organisation,
            url=workflow.url(obj), due_date=(today + datetime.timedelta(days=todo.due_days)) if todo.due_days else None,
        )
        for todo in workflow.todos(obj, state)
    ]
    TodoItem.objects.bulk_create(items)
    return items


def history(obj):
    """The workflow records of `obj`, oldest first."""
    ct = ContentType.objects.get_for_model(type(obj))
    return WorkflowRecord.objects.filter(content_type=ct, object_id=obj.pk).select_related("user")
