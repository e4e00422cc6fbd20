"""The generic loader (SQLite, or any database): the same rules in Python, in blocks of rows, two passes.

Pass one validates every row (nothing written, progress visible to the job page); pass two, only when every row
passed, writes the blocks inside the caller's transaction — each block's months folded into their project years'
rows with bulk_create/bulk_update — and logs each replaced figure. Only the keys seen (for duplicates) and the
project years written grow with the file; rows themselves are never all held.
"""

import itertools
from collections import defaultdict

from django.db import transaction

from ..models import MONTH_FIELDS, ExecutionChange, ExecutionYear
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
    """Write every row (all valid) in blocks; counts go to `result`. Runs inside the caller's transaction.

    Each project year's row takes the file's months; the optional columns take the values of the latest month
    the file gives for that project year. A month counts as created (no figure before), updated (its amount or
    its project year's optional values changed) or unchanged."""
    assert transaction.get_connection().in_atomic_block
    present = [f for f in OPTIONAL if f in source.header.index]
    latest = {}  # project year → the latest month of the file so far (whose optional values hold)
    done = 0
    for block in _blocks(source):
        parsed = [(number, parse_row(number, raw, []), raw) for number, raw in block]
        _projects, ids = resolve(parsed, user)
        wanted = defaultdict(dict)
        for _n, values, _r in parsed:
            wanted[ids[(values["project_code"], values["fiscal_year"])]][values["month"]] = values
        existing = ExecutionYear.objects.in_bulk(list(wanted))
        new, changed, changes = [], [], []
        for py, months in wanted.items():
            row, is_new = existing.get(py), py not in existing
            if is_new:
                row = ExecutionYear(project_year_id=py, batch=batch)
                new.append(row)
            before = {f: getattr(row, f) for f in (*MONTH_FIELDS, *present)}
            last = max(months)
            if last >= latest.get(py, 0):
                latest[py] = last
                for f in present:
                    setattr(row, f, months[last][f])
            attributes_changed = not is_new and any(getattr(row, f) != before[f] for f in present)
            for month, values in months.items():
                field, amount = MONTH_FIELDS[month - 1], values["paid_amount"]
                old = before[field]
                if old is None:
                    result.created += 1
                elif old != amount:
                    result.updated += 1
                    changes.append(ExecutionChange(batch=batch, project_year_id=py, month=month, before=old,
                                                   after=amount))
                elif attributes_changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
                setattr(row, field, amount)
            if not is_new and any(getattr(row, f) != v for f, v in before.items()):
                row.batch = batch
                changed.append(row)
        ExecutionYear.objects.bulk_create(new, batch_size=500)
        ExecutionYear.objects.bulk_update(changed, [*MONTH_FIELDS, *present, "batch"], batch_size=500)
        ExecutionChange.objects.bulk_create(changes, batch_size=500)
        done += len(block)
        if progress:
            progress(done, "saving")
