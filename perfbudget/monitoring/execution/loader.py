"""`load_execution`: one execution file into the database, all rows or none, recorded as an `ExecutionBatch`."""

import logging
import os

from django.db import connection, transaction
from django.utils.translation import gettext as _

from perfbudget.core.audit import acting_as
from perfbudget.core.importexport import ImportFileError

from ..models import ExecutionBatch
from . import generic, postgres
from .result import ExecutionResult
from .sources import open_source

logger = logging.getLogger(__name__)


def NO_ROWS():  # noqa: N802 - a message, translated when used
    return _("文件中只有表头，没有数据行。")


def batch_region(user):
    """The region a batch belongs to: the user's own finance-bureau level (None for superusers and the command)."""
    from perfbudget.orgs.choices import REGION_ROLES

    if user is None:
        return None
    grant = next((g for g in user.grants if g.role in REGION_ROLES), None)
    return grant.effective_region if grant else None


def pick_loader(name=None):
    """"postgres" (COPY and set-based SQL) on PostgreSQL, else "generic"; `name` forces one."""
    if name:
        return name
    return "postgres" if connection.vendor == "postgresql" else "generic"


def load_execution(file_or_path, user=None, filename="", progress=None, *, loader=None, job=None):
    """Load an execution file (CSV in UTF-8/GB18030 or `.xlsx`; a path, bytes or a binary file) for `user`.

    Every row is checked (cell rules, project codes in the user's change scope, project years in the library,
    duplicate project/year/month rows); any problem writes nothing and the result lists every bad row (row
    number, column, value, reason). Otherwise each (project year, month) is inserted or, when its figures
    differ, replaced — the replaced amount is logged as an `ExecutionChange` — in one transaction, and the
    result carries the `ExecutionBatch` with the counts. `user=None` (the command without --user) has no scope
    limit. `progress(done, phase)` (done may be None) is told how far the load has got.
    """
    name = filename or _name_of(file_or_path)
    try:
        with open_source(file_or_path) as source:
            return _load(source, user, name, progress, pick_loader(loader), job)
    except ImportFileError as exc:
        return ExecutionResult.failed(exc.messages)


def _name_of(file):
    if isinstance(file, str | os.PathLike):
        return os.path.basename(file)
    return os.path.basename(getattr(file, "name", "") or "") or "upload.csv"


def _load(source, user, filename, progress, loader, job):
    result = ExecutionResult(encoding=source.encoding or "xlsx")
    if loader == "generic":
        result.total = generic.validate(source, user, result, progress)
        if not result.total:
            result.add(None, "", "", NO_ROWS())
        if result.errors:
            return result
    with acting_as(user), transaction.atomic():
        batch = ExecutionBatch.objects.create(
            filename=filename[:255], sha256=source.sha256, encoding=result.encoding, region=batch_region(user),
            job=job, created_by=user)
        if loader == "postgres":
            postgres.load(source, user, batch, result, progress)
        else:
            generic.write(source, user, batch, result, progress)
            result.total = result.created + result.updated + result.unchanged
        if not result.total and not result.errors:
            result.add(None, "", "", NO_ROWS())
        if result.errors:
            transaction.set_rollback(True)
            return result
        batch.rows, batch.created, batch.updated, batch.unchanged = (
            result.total, result.created, result.updated, result.unchanged)
        batch.save(update_fields=["rows", "created", "updated", "unchanged"])
        result.batch = batch
    return result
