"""The national framework templates shipped as JSON in `keyevals/frameworks/`, loaded by a data migration.

Synced, not overwritten: a template that is missing is created as version 1; a shipped file whose items or name
changed becomes a new version and the previous one is retired (evaluations keep their frozen copies).
"""

import json
from pathlib import Path

from django.utils.translation import gettext as _

from . import frameworks

FOLDER = Path(__file__).resolve().parent / "frameworks"


def shipped_templates():
    """The shipped templates as dicts (code, name, kind, basis, items), in file-name order; each is validated."""
    out = []
    for path in sorted(FOLDER.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        errors = frameworks.validate(doc["items"], doc["kind"])
        if errors:
            raise ValueError(_("内置指标体系 %(file)s 有误：%(errors)s")
                             % {"file": path.name, "errors": "；".join(errors)})
        out.append(doc)
    return out


def sync_national_frameworks(model=None):
    """Create or version the national templates; returns how many rows were written."""
    if model is None:
        from .models import EvaluationFramework as model
    written = 0
    for doc in shipped_templates():
        current = model.objects.filter(code=doc["code"], owner_region__isnull=True).order_by("-version").first()
        if current is not None and current.items == doc["items"] and current.name == doc["name"]:
            continue
        if current is not None:
            model.objects.filter(pk=current.pk).update(status="retired")
        model.objects.create(code=doc["code"], name=doc["name"], kind=doc["kind"], basis=doc.get("basis", ""),
                             items=doc["items"], version=(current.version + 1) if current else 1, status="active")
        written += 1
    return written
