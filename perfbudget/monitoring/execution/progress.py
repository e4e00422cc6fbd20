"""Job progress that the job page can see while the load's own transaction is still open.

On PostgreSQL the updates go through a second connection in autocommit; elsewhere (SQLite) through the default
connection, and only while it is outside a transaction (the generic loader validates outside its write
transaction, so validation progress shows; the write phase is announced before it starts).
"""

import time

from django.db import DEFAULT_DB_ALIAS, connection, connections

from perfbudget.core.models import Job

INTERVAL = 0.5  # seconds between two writes of the progress


class JobProgress:
    def __init__(self, job):
        self.job, self.last, self.done = job, 0.0, 0
        self.other = connections.create_connection(DEFAULT_DB_ALIAS) if connection.vendor == "postgresql" else None

    def __call__(self, done, phase):
        if done is not None:
            self.done = min(done, self.job.total or done)
        now = time.monotonic()
        if now - self.last < INTERVAL and phase == getattr(self, "phase", phase):
            return
        self.last, self.phase = now, phase
        values = {"done": self.done, "result": {"phase": phase}}
        if self.other is not None:
            with self.other.cursor() as cursor:
                cursor.execute("UPDATE core_job SET done = %s, result = %s WHERE id = %s",
                               [self.done, f'{{"phase": "{phase}"}}', self.job.pk])
        elif not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**values)

    def close(self):
        if self.other is not None:
            self.other.close()
