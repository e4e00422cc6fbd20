"""The sweep's reads on a second connection, side by side with the sweep's own (PostgreSQL).

The indicator rows a rule can fire on and the similar-project patterns do not depend on the project rows the sweep
reads meanwhile: a thread reads them on its own connection (Django gives each thread one), in a REPEATABLE READ
transaction that imports the sweep transaction's snapshot (`pg_export_snapshot`), so both see the same committed
data. It only reads; the sweep's writes stay in the sweep's transaction. The snapshot does not hold what the sweep's
transaction wrote itself, so `run_sweep` uses this only when it opens the outermost transaction (a job, a page, the
command): inside a caller's transaction (tests, a larger unit of work) the reads stay in order on one connection.
"""

import re
import threading

from django.db import connection, transaction

from . import sweep_sql

SNAPSHOT = re.compile(r"^[0-9A-Fa-f-]+$")


def side_by_side() -> bool:
    """Whether the sweep about to open its transaction may read on a second connection."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class SideReads(threading.Thread):
    """`indicator_rows` of the round and `pattern_groups` of the earlier year, read in a thread; `result()` waits
    for them. Start it inside the sweep's transaction (its snapshot is exported then)."""

    def __init__(self, round_id: int, region, pattern_year: int):
        super().__init__(name="sweep-side-reads", daemon=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            self.snapshot = cursor.fetchone()[0]
        if not SNAPSHOT.match(self.snapshot):
            raise ValueError(self.snapshot)
        self.round_id, self.region, self.pattern_year = round_id, region, pattern_year
        self.indicators = self.groups = self.error = None

    def run(self):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{self.snapshot}'")
                sweep_sql.tune_session()
                self.indicators = sweep_sql.indicator_rows(round_id=self.round_id)
                self.groups = sweep_sql.pattern_groups(self.region, self.pattern_year)
        except BaseException as exc:  # handed to the sweep's thread by result()
            self.error = exc
        finally:
            connection.close()

    def result(self) -> tuple[dict, dict]:
        """(indicator rows by form, pattern groups), or the exception the thread met."""
        self.join()
        if self.error is not None:
            raise self.error
        return self.indicators, self.groups
