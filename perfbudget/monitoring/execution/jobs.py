"""Execution imports from the page and the API: recorded as a `Job`, queued for the worker when the file is large."""

import uuid

from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core.importexport import ImportFileError
from perfbudget.core.importexport.running import finish_job
from perfbudget.core.models import Job
from perfbudget.core.tasks import enqueue_job

from .loader import load_execution
from .progress import JobProgress
from .result import ExecutionResult
from .sources import open_source

JOB_KIND = "import:execution"
HANDLER = "perfbudget.monitoring.execution.jobs.run_import_job"
# The row-by-row form import runs in the background above 200 rows (≈30 ms a row); this loader reads tens of
# thousands of rows a second, so only files that take more than a few seconds go to the worker.
BACKGROUND_ROWS = 20_000


def start_import(upload, user, filename="", background_rows=BACKGROUND_ROWS):
    """Check the file, then load it here (small) or queue it (large). File-level problems give a result with
    errors and no job; otherwise `result.job` is the Job (its page shows progress, counts or row errors)."""
    filename = filename or getattr(upload, "name", "") or "upload.csv"
    try:
        with open_source(upload) as source:
            estimated = source.estimated_rows
    except ImportFileError as exc:
        return ExecutionResult.failed(exc.messages)
    title = _("导入预算执行数据：%(filename)s") % {"filename": filename}
    job = Job.objects.create(kind=JOB_KIND, title=title[:200], total=max(estimated, 0), created_by=user,
                             params={"handler": HANDLER, "filename": filename})
    if estimated > background_rows:
        upload.seek(0)
        job.file.save(f"execution-{uuid.uuid4().hex}", File(upload), save=True)
        enqueue_job(job)
        return ExecutionResult(total=estimated, job=job)
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    result = load_execution(upload, user, filename=filename, job=job)
    finish(job, result)
    return result


def finish(job, result):
    job.refresh_from_db(fields=["total"])
    job.total = result.total or job.total
    finish_job(job, result)
    job.save()
    result.job = job


def run_import_job(job):
    """The background half of `start_import` (named in the job's params["handler"], run by core.tasks.run_job)."""
    from perfbudget.core.middleware import set_request_id

    token = set_request_id(f"job-{job.pk}")
    progress = JobProgress(job)
    try:
        with job.file.open("rb") as fh:
            result = load_execution(fh, job.created_by, filename=job.params.get("filename", ""), progress=progress,
                                    job=job)
    finally:
        progress.close()
        token.var.reset(token)
    finish(job, result)
    if job.file:
        job.file.delete(save=True)  # the data are in the database now (or refused); the upload is not kept
    return result


def job_result(job):
    return ExecutionResult.from_dict(job.result or {}, job=job)
