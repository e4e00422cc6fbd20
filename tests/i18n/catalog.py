"""Reading the English catalog: `polib` when it is installed, else a small reader of the .po format."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# %(name)s and %s style (python-format) and {name} style (python-brace-format) placeholders.
PERCENT = re.compile(r"%(?:\(\w+\))?[#0 +-]?\d*(?:\.\d+)?[sdifr%]")
BRACE = re.compile(r"\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict = field(default_factory=dict)
    flags: list = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    def translations(self):
        return list(self.msgstr_plural.values()) if self.msgid_plural is not None else [self.msgstr]


def _polib_entries(path):
    import polib

    po = polib.pofile(str(path))
    entries = []
    for e in [*po, *po.obsolete_entries()]:
        entries.append(Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgid_plural=e.msgid_plural or None,
                             msgstr=e.msgstr, msgstr_plural=dict(e.msgstr_plural), flags=list(e.flags),
                             obsolete=e.obsolete, line=e.linenum))
    return entries


def _own_entries(path):
    """Entries of a .po file (header included, as the entry with msgid "")."""
    entries, cur, target = [], None, None
    keyword = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")\s*$")

    def start(n):
        nonlocal cur, target
        if cur is not None and (cur.msgid or cur.msgstr or cur.msgctxt is not None):
            entries.append(cur)
        cur, target = Entry(line=n), None

    start(0)
    has_msgstr = False
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            start(n)
            has_msgstr = False
            continue
        if line.startswith("#"):
            if has_msgstr:
                start(n)
                has_msgstr = False
            if line.startswith("#,"):
                cur.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            continue
        m = keyword.match(line)
        if m:
            name, index, value = m.group(1), m.group(2), ast.literal_eval(m.group(3))
            if name in ("msgctxt", "msgid") and has_msgstr:
                start(n)
                has_msgstr = False
            cur.obsolete = cur.obsolete or obsolete
            if name == "msgstr":
                has_msgstr = True
                if index is None:
                    cur.msgstr = value
                    target = ("msgstr", None)
                else:
                    cur.msgstr_plural[int(index)] = value
                    target = ("msgstr_plural", int(index))
            else:
                setattr(cur, name, value)
                target = (name, None)
            continue
        if line.startswith('"') and target is not None:
            value = ast.literal_eval(line)
            name, index = target
            if name == "msgstr_plural":
                cur.msgstr_plural[index] += value
            else:
                setattr(cur, name, getattr(cur, name) + value)
            continue
        raise ValueError(f"{path}:{n}: cannot read {raw!r}")
    start(0)
    return entries


def entries(path=PO_PATH):
    """Every entry of the .po file, header (msgid "") included."""
    try:
        import polib  # noqa: F401
    except ImportError:
        return _own_entries(path)
    return _polib_entries(path)


def placeholders(text):
    return sorted(PERCENT.findall(text)), sorted(BRACE.findall(text))
