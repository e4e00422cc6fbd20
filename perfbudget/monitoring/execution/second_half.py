"""The second half of a large CSV on the direct path, copied, folded and resolved in a second PostgreSQL session.

COPY, the fold and the join are each bound to one backend, one core. For a large file the importing session takes
the first half and a thread with its own connection the second. First it publishes the project-year keys of the
user's scope in an unlogged table (`exec_half_<time>_<random>_keys`, committed so that the importing session can
read it): both sessions join against them, and the importing session need not build them itself. Then, part by
part, it copies its bytes into its own temporary table, folds them and resolves the folded rows to project years
with the same SQL, and publishes them the same way (`…_0`, `…_1`): the importing session inserts a part while the
next one is being made. It inserts them within its own transaction and drops the tables there; the import stays
one transaction. When the importing session gives up instead, the tables are dropped from here. A table left by
a killed process is dropped by a later two-session import once it is an hour old.
"""

import logging
import secrets
import threading
import time

import psycopg
from django.db import connection

logger = logging.getLogger(__name__)
PREFIX = "exec_half_"
STALE_SECONDS = 3600


class SecondHalf(threading.Thread):
    """Copy, fold and resolve `ranges` (the raw CSV bytes of the second half, from byte `offset` of the file, in
    parts: chunk iterables) in a new session; see the module. `keys` is the (SELECT, params) of the project-year
    keys, published first for both sessions (`keys()`); `resolve(cursor, keys)` gives the (SELECT, params) of
    the resolved rows of the folded part; `parts()` hands them over as they come."""

    def __init__(self, ranges, offset, *, keys, create_sql, copy_sql, fold_sql, settings, suspect, resolve):
        super().__init__(name="execution-second-half", daemon=True)
        self.offset = offset
        self.ranges, self.create_sql, self.copy_sql, self.fold_sql = ranges, create_sql, copy_sql, fold_sql
        self.settings, self.suspect, self.resolve = settings, suspect, resolve
        self.params = connection.get_connection_params()  # read here, in the importing thread
        stem = f"{PREFIX}{int(time.time())}_{secrets.token_hex(4)}"
        self.keys_table = f"{stem}_keys"
        self.tables = [f"{stem}_{n}" for n in range(len(ranges))]
        self.keys_sql, self.keys_params = keys
        self.ready = threading.Condition()
        self.error, self.stopped, self.conn, self.finished = None, False, None, False
        self.created, self.dropped, self.done = [], set(), []  # done: (rows, table) of each published part

    def run(self):
        try:
            self.conn = connection.get_new_connection(self.params)
            self.conn.autocommit = True
            self._drop_stale()
            with self.conn.cursor() as cursor:
                for statement in self.settings:
                    cursor.execute(statement)
                with self.conn.transaction():
                    cursor.execute(f"CREATE UNLOGGED TABLE {self.keys_table} AS {self.keys_sql}", self.keys_params)
                    cursor.execute(f"ANALYZE {self.keys_table}")
                self._publish(self.keys_table)
                for chunks, table in zip(self.ranges, self.tables, strict=True):
                    with self.conn.transaction():
                        rows = self._copy(cursor, chunks)
                        cursor.execute(self.fold_sql)
                        select, params = self.resolve(cursor, self.keys())
                        cursor.execute(f"CREATE UNLOGGED TABLE {table} AS {select}", params)
                    self._publish(table, rows)
        except BaseException as exc:  # handed to the importing thread by keys() and parts()
            self.error = exc
        finally:
            with self.ready:
                self.finished = True
                self.ready.notify_all()

    def _copy(self, cursor, chunks):
        cursor.execute(self.create_sql)  # the temporary tables of a part drop when it commits
        with cursor.copy(self.copy_sql) as copy:
            tail = b"\n"
            for chunk in chunks:
                if self.stopped or self.suspect(tail + chunk):
                    raise Stopped
                copy.write(chunk)
                tail = chunk[-2:]
        return cursor.rowcount

    def _publish(self, table, rows=None):
        with self.ready:
            self.created.append(table)
            if rows is not None:
                self.done.append((rows, table))
            self.ready.notify_all()

    def _wait(self, until):
        with self.ready:
            self.ready.wait_for(lambda: until() or self.finished)
            if not until():
                raise self.error or Stopped

    def keys(self):
        """Wait for the keys table; the (SELECT, params) of the project-year keys, or the exception met first."""
        self._wait(lambda: self.keys_table in self.created)
        return f"SELECT code, year, py_id FROM {self.keys_table}", []

    def parts(self):
        """(rows copied, the name of the table of its resolved rows) of each part as it is published; the
        exception the session met, if any."""
        for n in range(len(self.tables)):
            self._wait(lambda n=n: len(self.done) > n)
            yield self.done[n]

    def drop_with(self, cursor):
        """Drop the tables within the importing session's transaction (`cursor`), once read."""
        for table in self.created:
            cursor.execute(f"DROP TABLE {table}")
            self.dropped.add(table)

    def stop(self):
        """Stop early if still at work (the importing session gave up), wait, and drop the tables the importing
        session has not dropped (one it still holds is left to it: its transaction ends with it)."""
        self.stopped = True
        if self.conn is not None and self.is_alive():
            try:
                self.conn.cancel_safe()
            except Exception:  # noqa: BLE001 - the connection may be closing under us
                pass
        self.join()
        if self.conn is None:
            return
        for table in self.created:
            if table not in self.dropped:
                self._drop(table)
        self.conn.close()

    def _drop(self, table):
        try:
            with self.conn.transaction(), self.conn.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE NOWAIT")
                cursor.execute(f"DROP TABLE {table}")
        except psycopg.Error:
            pass  # held (or dropped) by the importing session's transaction, or gone

    def _drop_stale(self):
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT c.relname FROM pg_class c WHERE c.relname LIKE %s AND c.relkind = 'r' "
                           "AND c.relpersistence = 'u' AND c.relnamespace = current_schema()::regnamespace",
                           [PREFIX.replace("_", r"\_") + "%"])
            names = [name for (name,) in cursor.fetchall()]
        for name in names:
            stamp = name.removeprefix(PREFIX).split("_")[0]
            if stamp.isdigit() and time.time() - int(stamp) > STALE_SECONDS:
                logger.warning("dropping %s, left by an execution import that did not finish", name)
                self._drop(name)


class Stopped(Exception):
    """The second half stopped: the importing session gave up, or a byte needs the checked path."""
