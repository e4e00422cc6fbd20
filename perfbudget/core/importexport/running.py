"""Running an import: every row through the form, all rows written in one transaction or none."""

import logging
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..audit import acting_as
from ..models import Job
from .cells import CellError, ImportContext, ImportFileError, display, is_blank
from .constants import BACKGROUND_ROWS, MAX_STORED_ERRORS
from .reading import read_bytes, read_rows

logger = logging.getLogger(__name__)


@dataclass
class RowError:
    """One problem: Excel row number (None for the file as a whole), column header, cell value, reason."""

    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self):
        where = _("第%(row)s行") % {"row": self.row} if self.row else ""
        if self.column:
            where += pgettext("error location", "「%(column)s」") % {"column": self.column}
        if self.value:
            where += pgettext("error location", "值「%(value)s」") % {"value": self.value}
        where = where.strip()
        return _("%(where)s：%(reason)s") % {"where": where, "reason": self.reason} if where else self.reason


@dataclass
class ImportResult:
    """What an import did (counts) or why it wrote nothing (errors); `job` records it."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0
    job: Job | None = None

    @property
    def ok(self):
        return not self.errors

    def add(self, row, column, value, reason):
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(row, column, display(value), str(reason).strip().rstrip("。.")))

    def as_dict(self):
        return {"total": self.total, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "error_count": self.error_count,
                "errors": [[e.row, e.column, e.value, e.reason] for e in self.errors]}

    @classmethod
    def from_dict(cls, data, job=None):
        errors = [RowError(*e) for e in data.get("errors", [])]
        return cls(total=data.get("total", 0), created=data.get("created", 0), updated=data.get("updated", 0),
                   unchanged=data.get("unchanged", 0), errors=errors,
                   error_count=data.get("error_count", len(errors)), job=job)


def _form_reason(col, error):
    if col is not None and error.code in col.messages:
        return str(col.messages[error.code])
    if error.code == "required":
        return _("必填，不能为空")
    return " ".join(error.messages)


def import_rows(spec, table, user, update=False, progress=None):
    """Validate every row of `table`, then write them all in one transaction, or nothing if any row fails.

    With `update`, a row whose key exists is an update of that object (identical rows are left alone);
    without it such a row is a duplicate. `progress(done, phase)` is told how far validation has got.
    """
    result = ImportResult(total=len(table.rows))
    ctx = ImportContext(user)
    valid, seen = [], {}
    step = max(1, len(table.rows) // 100)
    for n, (row_no, raw) in enumerate(table.rows, start=1):
        checked = _validate_row(spec, ctx, row_no, raw, result, update, seen)
        if checked is not None:
            valid.append(checked)
        if progress and (n % step == 0 or n == len(table.rows)):
            progress(n, "validating")
    values = {(r, f): v for r, raw in table.rows for f, v in raw.items()}
    if spec.check_rows and len(valid) > 1:
        for row_no, field_name, reason in spec.check_rows([(r, data) for r, data, *_ in valid]):
            col = spec.column(field_name)
            result.add(row_no, col.header if col else "", values.get((row_no, field_name)), reason)
    if result.errors:
        return result
    if progress:
        progress(len(table.rows), "saving")
    if spec.save_order:
        position = {row_no: i for i, (row_no, _data) in enumerate(spec.save_order([(r, d) for r, d, *_ in valid]))}
        valid.sort(key=lambda checked: position[checked[0]])
    _save_all(spec, user, valid, result, values)
    return result


def _validate_row(spec, ctx, row_no, raw, result, update, seen):
    """Parse and validate one row; returns (row, cleaned_data, instance, unchanged) or None on errors."""
    data, failed = {}, set()
    before, first = result.error_count, len(result.errors)
    for col in spec.columns:
        value = raw.get(col.field)
        if is_blank(value):
            data[col.field] = col.default
            continue
        try:
            data[col.field] = col.parse(value, ctx)
        except CellError as exc:
            failed.add(col.field)
            result.add(row_no, col.header, value, exc.reason)
    form = spec.form_class(data=data, user=ctx.user)
    if not form.is_valid():
        for field_name, errors in form.errors.as_data().items():
            if field_name in failed:
                continue
            col = spec.column(field_name)
            for error in errors:
                result.add(row_no, col.header if col else "", raw.get(field_name), _form_reason(col, error))
    if result.error_count > before:
        order = {c.header: i for i, c in enumerate(spec.columns)}
        result.errors[first:] = sorted(result.errors[first:], key=lambda e: order.get(e.column, len(order)))
        return None
    cleaned = form.cleaned_data
    instance, unchanged = None, False
    if spec.key:
        key = spec.key(cleaned)
        key_col = spec.column(spec.key_field)
        header = key_col.header if key_col else ""
        if key in seen:
            result.add(row_no, header, raw.get(spec.key_field),
                       _("与第%(row)s行重复（%(key)s相同），同一记录在文件中只能出现一次")
                       % {"row": seen[key], "key": spec.key_label})
            return None
        seen[key] = row_no
        instance = spec.lookup(cleaned) if spec.lookup else None
        if instance is not None:
            label = "/".join(str(k) for k in key)
            if not update:
                result.add(row_no, header, raw.get(spec.key_field),
                           _("系统中已有该记录（%(key)s：%(value)s）；如需按文件更新已有记录，请勾选「更新已有记录」后重新导入")
                           % {"key": spec.key_label, "value": label})
                return None
            unchanged = bool(spec.unchanged and spec.unchanged(instance, cleaned))
            reason = None if unchanged or not spec.can_update else spec.can_update(instance, ctx.user)
            if reason:
                result.add(row_no, header, raw.get(spec.key_field), reason)
                return None
    return row_no, cleaned, instance, unchanged


def _save_all(spec, user, valid, result, values):
    """Write every valid row in one transaction; any failure is reported on its row and undoes everything."""
    with acting_as(user), transaction.atomic():
        for row_no, cleaned, instance, unchanged in valid:
            if unchanged:
                result.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    spec.save(user, cleaned, instance)
            except ValidationError as exc:
                for field_name, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                    col = spec.column(field_name)
                    for message in messages:
                        result.add(row_no, col.header if col else "", values.get((row_no, field_name)), message)
            except PermissionDenied as exc:
                result.add(row_no, "", "", str(exc) or _("无权保存该记录"))
            except Exception as exc:  # any failure must undo the whole file, and say on which row it happened
                logger.exception("import %s: row %s failed to save", spec.name, row_no)
                result.add(row_no, "", "", _("保存失败：%(error)s") % {"error": exc})
            else:
                if instance is None:
                    result.created += 1
                else:
                    result.updated += 1
        if result.errors:
            transaction.set_rollback(True)
    if result.errors:
        result.created = result.updated = result.unchanged = 0


def run_import(spec, file, user, *, update=False, filename="", background_rows=BACKGROUND_ROWS):
    """Import an uploaded file for `user`: all rows or nothing. Returns an `ImportResult`.

    A file-level problem gives a result with errors and no job. Otherwise the import is recorded as a `Job`
    (`result.job`): run here for up to `background_rows` rows, else queued for a background worker (the
    result then has no counts yet; the job page shows its progress).
    """
    data = read_bytes(file)
    filename = filename or getattr(file, "name", "") or "upload.xlsx"
    try:
        table = read_rows(spec, data)
    except ImportFileError as exc:
        result = ImportResult()
        for message in exc.messages:
            result.add(None, "", "", message)
        return result
    title = _("导入%(title)s：%(filename)s") % {"title": spec.title, "filename": filename}
    job = Job(kind=f"import:{spec.name}", title=title[:200], total=len(table.rows),
              created_by=user, params={"spec": spec.path, "update": bool(update), "filename": filename,
                                       "handler": "perfbudget.core.importexport.run_import_job"})
    if len(table.rows) > background_rows:
        from ..tasks import enqueue_job

        job.save()
        job.file.save(f"import-{uuid.uuid4().hex}.xlsx", ContentFile(data), save=True)
        enqueue_job(job)
        return ImportResult(total=len(table.rows), job=job)
    job.started_at = timezone.now()
    result = import_rows(spec, table, user, update=update)
    finish_job(job, result)
    job.save()
    result.job = job
    return result


def finish_job(job, result):
    """Record an import's result on its job: counts, the error summary, succeeded or failed (not saved)."""
    job.done = result.total
    job.result = result.as_dict()
    job.finished_at = timezone.now()
    if result.errors:
        job.status = Job.Status.FAILED
        job.error = _("校验未通过：共%(count)s处错误，未写入任何数据。") % {"count": result.error_count}
    else:
        job.status = Job.Status.SUCCEEDED


def run_import_job(job):
    """The background half of `run_import` (called by `core.tasks.run_job`): import the job's stored file."""
    from ..middleware import set_request_id

    spec = import_string(job.params["spec"])
    user = job.created_by
    token = set_request_id(f"job-{job.pk}")
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        try:
            table = read_rows(spec, data)
        except ImportFileError as exc:
            result = ImportResult()
            for message in exc.messages:
                result.add(None, "", "", message)
        else:

            def progress(done, phase):
                Job.objects.filter(pk=job.pk).update(done=done, result={"phase": phase})

            result = import_rows(spec, table, user, update=job.params.get("update", False), progress=progress)
    finally:
        token.var.reset(token)
    job.refresh_from_db()
    finish_job(job, result)
    job.save()
    return result


def job_result(job):
    """The `ImportResult` recorded on an import job (empty while it runs)."""
    return ImportResult.from_dict(job.result or {}, job=job)
