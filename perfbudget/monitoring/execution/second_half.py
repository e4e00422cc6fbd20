"""The second half of a large CSV on the direct path, copied, folded and resolved in a second PostgreSQL session.

COPY, the fold and the join are each bound to one backend, one core. For a large file the importing session takes
the first half and a thread with its own connection the second: it copies its half into its own temporary table,
folds it and resolves the folded rows to project years with the same SQL, and publishes them in an unlogged table
(`exec_half_<time>_<random>`, committed so that the importing session can read it). Before its half it publishes
the project-year keys of the user's scope the same way (`…_keys`): both sessions join against them, and the
importing session need not build them itself. The importing session inserts the rows within its own transaction
and drops the tables there; the import stays one transaction. When the importing session gives up instead, the
tables are dropped from here. A table left by a killed process is dropped by a later two-session import once it
is an hour old.
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
    """Copy, fold and resolve `chunks` (the raw CSV bytes of the second half, from byte `offset` of the file) in a
    new session; see the module. `keys` is the (SELECT, params) of the project-year keys, published first for
    both sessions (`keys()`); `resolve(cursor, keys)` gives the (SELECT, params) of the resolved rows."""

    def __init__(self, chunks, offset, *, keys, create_sql, copy_sql, fold_sql, settings, suspect, resolve):
        super().__init__(name="execution-second-half", daemon=True)
        self.offset = offset
        self.chunks, self.create_sql, self.copy_sql, self.fold_sql = chunks, create_sql, copy_sql, fold_sql
        self.settings, self.suspect, self.resolve = settings, suspect, resolve
        self.params = connection.get_connection_params()  # read here, in the importing thread
        self.table = f"{PREFIX}{int(time.time())}_{secrets.token_hex(4)}"
        self.keys_table = f"{self.table}_keys"
        self.keys_sql, self.keys_params = keys
        self.keys_ready = threading.Event()
        self.rows, self.error, self.stopped, self.conn = 0, None, False, None
        self.created, self.dropped = [], set()

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
                self.created.append(self.keys_table)
            self.keys_ready.set()
            with self.conn.transaction(), self.conn.cursor() as cursor:
                cursor.execute(self.create_sql)
                with cursor.copy(self.copy_sql) as copy:
                    tail = b"\n"
                    for chunk in self.chunks:
                        if self.stopped or self.suspect(tail + chunk):
                            raise Stopped
                        copy.write(chunk)
                        tail = chunk[-2:]
                self.rows = cursor.rowcount
                cursor.execute(self.fold_sql)
                select, params = self.resolve(cursor, self.keys())
                cursor.execute(f"CREATE UNLOGGED TABLE {self.table} AS {select}", params)
            self.created.append(self.table)
        except BaseException as exc:  # handed to the importing thread by keys() and result()
            self.error = exc
        finally:
            self.keys_ready.set()

    def keys(self):
        """Wait for the keys table; the (SELECT, params) of the project-year keys, or the exception met first."""
        self.keys_ready.wait()
        if self.keys_table not in self.created:
            raise self.error or Stopped
        return f"SELECT code, year, py_id FROM {self.keys_table}", []

    def result(self):
        """Wait for the thread; (rows copied, the name of the table of resolved rows), or the exception it met."""
        self.join()
        if self.error is not None:
            raise self.error
        return self.rows, self.table

    def drop_with(self, cursor):
        """Drop the tables within the importing session's transaction (`cursor`), once read."""
        for table in self.created:
            cursor.execute(f"DROP TABLE {table}")
            self.dropped.add(table)

    def stop(self):
        """Stop early if still at work (the importing session gave up), wait, and drop the table unless the
        importing session dropped it (or holds it: then its transaction ends with it)."""
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
