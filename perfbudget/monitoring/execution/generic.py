"""The generic loader (SQLite, or any database): the same rules in Python, in blocks of rows, two passes.

Pass one validates every row (nothing written, progress visible to the job page); pass two, only when every row
passed, writes the blocks inside the caller's transaction with bulk_create/bulk_update and logs each replaced
figure. Only the keys seen (for duplicates) grow with the file; rows themselves are never all held.
"""

import itertools

from django.db import transaction

from ..models import ExecutionChange, ExecutionRecord
from .cells import Problem
from .result import ErrorCollector
from .rows import KEY, lookup_problems, parse_row, resolve
from .sources import data_rows

BLOCK = 2000
OPTIONAL = ("budget_type", "function_code", "source")


def _blocks(source, size=BLOCK):
    rows = data_rows(source)
    while block := list(itertools.islice(rows, size)):
        yield block


def validate(source, user, result, progress=None):
    """Check every row; errors go to `result`. Returns the number of data rows."""
    collector, seen, total = ErrorCollector(result, source.header), {}, 0
    for block in _blocks(source):
        problems, parsed = [], []
        for number, raw in block:
            values = parse_row(number, raw, problems)
            parsed.append((number, values, raw))
            if all(k in values for k in KEY):
                key = tuple(values[k] for k in KEY)
                if key in seen:
                    problems.append((number, "project_code", 2, raw["project_code"],
                                     Problem("duplicate", {"row": seen[key]})))
                else:
                    seen[key] = number
        projects, ids = resolve(parsed, user)
        problems += lookup_problems(parsed, projects, ids)
        collector.add_sorted(problems)
        total += len(block)
        if progress:
            progress(total, "validating")
    return total


def write(source, user, batch, result, progress=None):
    """Write every row (all valid) in blocks; counts go to `result`. Runs inside the caller's transaction."""
    assert transaction.get_connection().in_atomic_block
    present = [f for f in OPTIONAL if f in source.header.index]
    done = 0
    for block in _blocks(source):
        parsed = [(number, parse_row(number, raw, []), raw) for number, raw in block]
        _projects, ids = resolve(parsed, user)
        wanted = {(ids[(v["project_code"], v["fiscal_year"])], v["month"]): v for _n, v, _r in parsed}
        existing = {(r.project_year_id, r.month): r for r in
                    ExecutionRecord.objects.filter(project_year_id__in={py for py, _m in wanted})}
        new, changed, changes = [], [], []
        for (py, month), values in wanted.items():
            record = existing.get((py, month))
            amount = values["paid_amount"]
            if record is None:
                new.append(ExecutionRecord(project_year_id=py, month=month, paid_amount=amount, batch=batch,
                                           **{f: values[f] for f in present}))
                continue
            after = {"paid_amount": amount, **{f: values[f] for f in present}}
            if all(getattr(record, f) == v for f, v in after.items()):
                result.unchanged += 1
                continue
            if record.paid_amount != amount:
                changes.append(ExecutionChange(batch=batch, project_year_id=py, month=month,
                                               before=record.paid_amount, after=amount))
            for f, v in after.items():
                setattr(record, f, v)
            record.batch = batch
            changed.append(record)
        ExecutionRecord.objects.bulk_create(new, batch_size=500)
        ExecutionRecord.objects.bulk_update(changed, ["paid_amount", *present, "batch"], batch_size=500)
        ExecutionChange.objects.bulk_create(changes, batch_size=500)
        result.created += len(new)
        result.updated += len(changed)
        done += len(block)
        if progress:
            progress(done, "saving")
