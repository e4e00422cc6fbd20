"""What an execution import did: the core `ImportResult` (counts or row errors) plus the batch it wrote."""

from dataclasses import dataclass, field

from perfbudget.core.importexport import ImportResult, RowError

from .columns import FIELDS


@dataclass
class ExecutionResult(ImportResult):
    batch: object = None  # the ExecutionBatch written (None when nothing was written)
    encoding: str = ""
    timings: dict = field(default_factory=dict)  # seconds per phase (PostgreSQL loader), for benchmarks

    def as_dict(self):
        return {**super().as_dict(), "batch": self.batch.pk if self.batch else None, "encoding": self.encoding}

    @classmethod
    def from_dict(cls, data, job=None):
        from ..models import ExecutionBatch

        base = ImportResult.from_dict(data, job=job)
        batch = ExecutionBatch.objects.filter(pk=data["batch"]).first() if data.get("batch") else None
        return cls(**{k: getattr(base, k) for k in ("total", "created", "updated", "unchanged", "errors",
                                                    "error_count", "job")},
                   batch=batch, encoding=data.get("encoding", ""))

    @classmethod
    def failed(cls, messages):
        """A result for a file that cannot be read at all (no row numbers)."""
        result = cls()
        for message in messages:
            result.add(None, "", "", message)
        return result


class ErrorCollector:
    """Row errors in file order: (row, column, kind rank) sorted, counted exactly, the first few thousand kept."""

    def __init__(self, result, header):
        self.result, self.header = result, header

    def add_sorted(self, items):
        """Add [(row, field, rank, value, Problem)] (any order within one block of rows)."""
        order = {f: i for i, f in enumerate(FIELDS)}
        for row, name, _rank, value, problem in sorted(items, key=lambda e: (e[0], order[e[1]], e[2])):
            self.result.add(row, self.header.label(name), value, problem.reason())


__all__ = ["ErrorCollector", "ExecutionResult", "RowError"]
