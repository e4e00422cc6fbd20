"""Background jobs (DESIGN.md, mechanism 7): a `Job` row is the user-visible record, django-tasks runs it.

A job names its handler in `params["handler"]` (the dotted path of a function taking the job). `enqueue_job`
queues it once the creating transaction commits; `run_job` (run by `perfbudget db_worker`, or at once by the
immediate backend) marks it running, calls the handler and records success or failure. Handlers report
progress by updating `done` (and may set `status` themselves, e.g. FAILED for an import with errors).
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Job

logger = logging.getLogger(__name__)


@task()
def run_job(job_id):
    """Run one queued job by its id; a job that is not queued any more (run twice, cancelled) is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return None
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        import_string(job.params["handler"])(job)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        error = _("任务执行出错：%(error)s") % {"error": exc}
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=error, finished_at=timezone.now())
        return Job.Status.FAILED
    job.refresh_from_db()
    if job.status == Job.Status.RUNNING:
        job.status = Job.Status.SUCCEEDED
    job.finished_at = job.finished_at or timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job.status


def enqueue_job(job):
    """Queue a saved job for `run_job` once the current transaction (if any) commits."""
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
