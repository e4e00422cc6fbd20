"""The second half of a large CSV on the direct path, copied and folded in a second PostgreSQL session.

COPY and the fold are each bound to one backend, one core. For a large file the importing session takes the first
half and a thread with its own connection the second: it copies its half into its own temporary table, folds it
with the same SELECT, and streams the fold (one row per project year of its half) into a temporary file. The
importing session then copies that file into its own fold table, and nothing of the second session outlives it:
its transaction only ever held temporary tables, and it is rolled back. The import stays one transaction.
"""

import tempfile
import threading

from django.db import connection


class SecondHalf(threading.Thread):
    """Copy and fold `chunks` (the raw CSV bytes of the second half, from byte `offset` of the file) in a new
    session; see the module."""

    def __init__(self, chunks, offset, *, create_sql, copy_sql, fold_sql, settings, suspect):
        super().__init__(name="execution-second-half", daemon=True)
        self.offset = offset
        self.chunks, self.create_sql, self.copy_sql, self.fold_sql = chunks, create_sql, copy_sql, fold_sql
        self.settings, self.suspect = settings, suspect
        self.params = connection.get_connection_params()  # read here, in the importing thread
        self.file = tempfile.TemporaryFile()
        self.rows, self.error, self.stopped, self.conn = 0, None, False, None

    def run(self):
        try:
            self.conn = connection.get_new_connection(self.params)
            with self.conn.cursor() as cursor:
                for statement in self.settings:
                    cursor.execute(statement)
                cursor.execute(self.create_sql)
                with cursor.copy(self.copy_sql) as copy:
                    tail = b"\n"
                    for chunk in self.chunks:
                        if self.stopped or self.suspect(tail + chunk):
                            raise Stopped
                        copy.write(chunk)
                        tail = chunk[-2:]
                self.rows = cursor.rowcount
                with cursor.copy(f"COPY ({self.fold_sql}) TO STDOUT") as copy:
                    for data in copy:
                        self.file.write(data)
            self.file.seek(0)
        except BaseException as exc:  # handed to the importing thread by result()
            self.error = exc
        finally:
            if self.conn is not None:
                self.conn.rollback()
                self.conn.close()

    def result(self):
        """Wait for the thread; (rows copied, the fold's COPY text as a file), or the exception it met."""
        self.join()
        if self.error is not None:
            raise self.error
        return self.rows, self.file

    def stop(self):
        """Stop early (the importing session gave up), and wait."""
        self.stopped = True
        if self.conn is not None and self.is_alive():
            try:
                self.conn.cancel_safe()
            except Exception:  # noqa: BLE001 - the connection may be closing under us
                pass
        self.join()
        self.file.close()


class Stopped(Exception):
    """The second half stopped: the importing session gave up, or a byte needs the checked path."""
