"""The shipped library and the goal-table quality check agree. Pure: no database.

A unit that picks a library entry and keeps its suggested target must not be told by `check_goals` that the row is
wrong: every entry is put, with its own categories, name, unit and suggested target, into the clean table of
tests/goals/test_quality.py (in place of the row of the same level two, so the table stays otherwise clean and the
weights still add up to 90) and its row must draw no error and no warning. Entries without a suggested target are
checked the same way with a typical target for their direction and unit (≥1个, ≥90%, ≤5%, =0次 …) for the codes
that depend on the name and the categories only (MISCLASSIFIED, WRONG_COMPARATOR).
"""

import copy
import csv
from pathlib import Path

import pytest

import perfbudget
from perfbudget.goals.quality import SEVERITY, check_goals
from tests.goals.tables import CLEAN, CLEAN_ROWS

DATA = Path(perfbudget.__file__).resolve().parent / "indicators" / "data"

# Not every level two has a row in the clean table: those entries are added as a tenth row (weight 0).
SLOT = {}
for _i, _r in enumerate(CLEAN_ROWS):
    SLOT.setdefault(_r["level2"], _i)


def _entries():
    with open(DATA / "entries.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


ENTRIES = _entries()
SUGGESTED = [e for e in ENTRIES if e["suggested_target"]]
UNSUGGESTED = [e for e in ENTRIES if not e["suggested_target"]]


def picked(entry, target):
    """The clean table with the row a unit gets when it picks `entry` and prints `target`; and that row's index."""
    table = copy.deepcopy(CLEAN)
    rows = table["indicators"]
    index = SLOT.get(entry["level2"])
    row = {"level1": entry["level1"], "level2": entry["level2"], "name": entry["name"], "target": target,
           "weight": rows[index]["weight"] if index is not None else 0}
    if entry["unit"] and entry["unit"] != "日期":
        row["unit"] = entry["unit"]
    if index is None:
        rows.append(row)
        index = len(rows) - 1
    else:
        rows[index] = row
    return table, index


def typical_target(entry):
    """What a unit typically prints for an entry with no suggested target: its direction and unit, a number that
    fits them (a count of ≥1, a share of ≥90% or ≤5%, the range's low end for =), a deadline for a date."""
    unit, direction = entry["unit"], entry["direction"]
    if unit == "日期":
        return "12月底前"
    if direction == "qualitative":
        return "合格"
    share = unit in ("%", "‰")
    if direction == "interval":
        return f"90{unit}-100{unit}" if share else f"1{unit}-2{unit}"
    if share:
        return {"≥": f"≥90{unit}", "≤": f"≤5{unit}", "=": f"=100{unit}"}[direction]
    number = entry["range_low"] if direction == "=" and entry["range_low"] else "1"
    return f"{direction}{number}{unit}"


def _offences(entry, target, codes=None):
    table, index = picked(entry, target)
    report = check_goals(table)
    return [f for f in report["findings"]
            if f["severity"] in ("error", "warning") and (codes is None or f["code"] in codes)
            and f["indicator"] in (index, None)]


def _listing(offenders):
    return "\n".join(f"{e['code']} {e['level1']}/{e['level2']} {e['name']} “{target}”: "
                     + "; ".join(f"{f['code']} {f['message']}" for f in found)
                     for e, target, found in offenders)


def test_the_base_table_is_clean():
    assert check_goals(CLEAN)["findings"] == []


def test_suggested_targets_draw_no_error_or_warning():
    offenders = []
    for entry in SUGGESTED:
        found = _offences(entry, entry["suggested_target"])
        if found:
            offenders.append((entry, entry["suggested_target"], found))
    assert not offenders, f"{len(offenders)} of {len(SUGGESTED)} entries draw findings:\n" + _listing(offenders)


def test_typical_targets_fit_the_categories_and_the_direction():
    offenders = []
    for entry in UNSUGGESTED:
        target = typical_target(entry)
        found = _offences(entry, target, {"MISCLASSIFIED", "WRONG_COMPARATOR"})
        if found:
            offenders.append((entry, target, found))
    assert not offenders, f"{len(offenders)} of {len(UNSUGGESTED)} entries draw findings:\n" + _listing(offenders)


def test_every_entry_direction_fits_its_name():
    """The same for every entry, whatever its suggestion: its printed direction is the direction the check
    expects from its name, and its categories are those its name suggests."""
    offenders = []
    for entry in ENTRIES:
        target = typical_target(entry)
        found = _offences(entry, target, {"MISCLASSIFIED", "WRONG_COMPARATOR", "NO_COMPARATOR", "MISSING_UNIT"})
        if found:
            offenders.append((entry, target, found))
    assert not offenders, f"{len(offenders)} entries draw findings:\n" + _listing(offenders)


@pytest.mark.parametrize("target", ["明显提升", "有效改善", "长期", "进一步加强"])
def test_the_harness_still_sees_a_weak_target(target):
    """The harness is not blind: a vague wording on a library entry is still reported."""
    entry = next(e for e in ENTRIES if e["code"] == "Z01-011")
    assert [f["code"] for f in _offences(entry, target)] == ["VAGUE_TARGET"]


def test_the_harness_still_sees_a_misplaced_rate():
    entry = dict(next(e for e in ENTRIES if e["code"] == "Z06-001"), level2="数量指标")
    assert "MISCLASSIFIED" in [f["code"] for f in _offences(entry, entry["suggested_target"])]
    assert SEVERITY["MISCLASSIFIED"] == "warning"
