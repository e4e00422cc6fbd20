"""National reference data of the project library: the expenditure function classification (支出功能分类科目).

The names are those of the 政府收支分类科目 published by the Ministry of Finance for 2024/2025: every 类, and the
款 and 项 the system and its demo region use. `load_function_classes` upserts them, so it serves both the data
migration (with the historical model) and code (with the current one) and may run any number of times.
"""

import csv
from pathlib import Path

FUNCTION_CLASSES_CSV = Path(__file__).resolve().parent / "data" / "function_classes.csv"


def read_function_classes(path=FUNCTION_CLASSES_CSV):
    """(code, name) pairs of the CSV, in file order."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [(row["code"].strip(), row["name"].strip()) for row in csv.DictReader(fh) if row["code"].strip()]


def load_function_classes(model=None, path=FUNCTION_CLASSES_CSV):
    """Create missing codes and correct changed names; returns (created, updated). Never deletes a code."""
    if model is None:
        from .models import FunctionClass as model
    rows = read_function_classes(path)
    existing = dict(model.objects.values_list("code", "name"))
    new = [model(code=code, name=name) for code, name in rows if code not in existing]
    changed = [model(code=code, name=name) for code, name in rows if code in existing and existing[code] != name]
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, ["name"], batch_size=500)
    return len(new), len(changed)
