"""The shipped national library (data/categories.csv, data/entries.csv) and loading it.

`sync_national_library()` is idempotent: categories are upserted by code; an entry whose code is new is
created as version 1; an existing national entry whose shipped text changed gets a new version (the old
one kept), so that upgrades of the shipped list never overwrite history. Regional entries are untouched.
"""

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .choices import BASIS_BY_LABEL, FROM_SYMBOL, Basis, ValueKind
from .search import initials

DATA = Path(__file__).resolve().parent / "data"
ENTRY_FIELDS = ("category_id", "is_common", "level1", "level2", "name", "definition", "unit", "direction",
                "value_kind", "formula", "basis", "suggested_target", "range_low", "range_high", "sectors",
                "function_codes")


def read_csv(name):
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _decimal(text):
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def shipped_entries(category_ids):
    """The rows of entries.csv as model field values, keyed by code."""
    result = {}
    for row in read_csv("entries.csv"):
        result[row["code"]] = {
            "category_id": category_ids[row["category_code"]],
            "is_common": row["is_common"] in ("1", "true", "True", "是"),
            "level1": row["level1"], "level2": row["level2"], "name": row["name"],
            "definition": row["definition"], "unit": row["unit"],
            "direction": FROM_SYMBOL.get(row["direction"], "ge"),
            "value_kind": ValueKind.QUALITATIVE if row["value_kind"] == "qualitative" else ValueKind.QUANTITATIVE,
            "formula": row["formula"][:300], "basis": BASIS_BY_LABEL.get(row["basis"], Basis.PLAN),
            "suggested_target": row["suggested_target"][:50],
            "range_low": _decimal(row["range_low"]), "range_high": _decimal(row["range_high"]),
            "sectors": row["sectors"][:200], "function_codes": row["function_codes"][:300],
        }
    return result


def sync_national_library(Category=None, Entry=None):
    """Load or upgrade the shipped library; returns (categories, created, revised). Works in migrations."""
    if Category is None:
        from .models import IndicatorCategory as Category
        from .models import IndicatorEntry as Entry
    rows = read_csv("categories.csv")
    by_code = {}
    for row in sorted(rows, key=lambda r: bool(r["parent_code"])):  # 大类 before 小类
        cat, _ = Category.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "parent": by_code.get(row["parent_code"]),
            "function_codes": row["function_codes"], "sort": int(row["sort"] or 0)})
        by_code[row["code"]] = cat
    shipped = shipped_entries({code: cat.pk for code, cat in by_code.items()})
    current = {e.code: e for e in Entry.objects.filter(owner_region__isnull=True, is_current=True)}
    versions = {}
    for e in Entry.objects.filter(code__in=list(shipped)).values("code", "version"):
        versions[e["code"]] = max(versions.get(e["code"], 0), e["version"])
    created = revised = 0
    new = []
    for code, values in shipped.items():
        old = current.get(code)
        if old is not None and all(getattr(old, f) == v for f, v in values.items()):
            continue
        if code in versions and old is None:
            continue  # retired or taken over by a region: leave it
        if old is not None:
            Entry.objects.filter(pk=old.pk).update(is_current=False)
            revised += 1
        else:
            created += 1
        new.append(Entry(code=code, version=versions.get(code, 0) + 1, is_current=True, status="active",
                         pinyin=initials(values["name"]), revision_note="系统内置指标库" if old is None else
                         "系统内置指标库更新", **values))
    Entry.objects.bulk_create(new, batch_size=500)
    return len(by_code), created, revised
