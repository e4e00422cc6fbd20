"""The job runner: a queued job runs once, its handler's failure is recorded on the job."""

from perfbudget.core.models import Job
from perfbudget.core.tasks import run_job


def boom(job):
    raise RuntimeError("处理出错")


def count(job):
    Job.objects.filter(pk=job.pk).update(done=job.total)


def _job(world, handler, **kwargs):
    return Job.objects.create(kind="test", title="测试任务", total=3, params={"handler": handler},
                              created_by=world.users["county"]["unit"], **kwargs)


def test_job_runs_and_succeeds(world):
    job = _job(world, "tests.importexport.test_tasks.count")
    assert run_job.call(job.pk) == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert (job.status, job.done, job.percent) == (Job.Status.SUCCEEDED, 3, 100)
    assert job.started_at and job.finished_at


def test_failing_handler_marks_the_job_failed(world):
    job = _job(world, "tests.importexport.test_tasks.boom")
    assert run_job.call(job.pk) == Job.Status.FAILED
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "任务执行出错：处理出错" and job.finished_at


def test_a_job_that_is_not_queued_is_left_alone(world):
    job = _job(world, "tests.importexport.test_tasks.boom", status=Job.Status.SUCCEEDED)
    assert run_job.call(job.pk) is None
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and not job.error
