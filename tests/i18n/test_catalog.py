"""The English catalog is complete: every string translated, none fuzzy, placeholders kept, the .mo compiled
from this .po, and every translatable string of the code and templates present in it.

When one of these fails after adding or changing strings: run
`.venv/bin/python -m perfbudget makemessages -l en -e html,txt,py --ignore=.venv --ignore=node_modules
--ignore=tests`, translate the new entries in perfbudget/locale/en/LC_MESSAGES/django.po (and remove any
`#, fuzzy` flag after checking the entry), then `.venv/bin/python -m perfbudget compilemessages
--ignore=.venv --ignore=node_modules`.
"""

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from .catalog import MO_PATH, PO_PATH, entries, placeholders

SOURCE_DIR = Path(settings.BASE_DIR)
SKIP_DIRS = {"locale", "static", "migrations", "__pycache__", "node_modules"}
# The keywords makemessages gives xgettext for Python sources (django.core.management.commands.makemessages).
XGETTEXT_KEYWORDS = ["--keyword=gettext_noop", "--keyword=gettext_lazy", "--keyword=ngettext_lazy:1,2",
                     "--keyword=pgettext:1c,2", "--keyword=npgettext:1c,2,3", "--keyword=pgettext_lazy:1c,2",
                     "--keyword=npgettext_lazy:1c,2,3"]


def _messages():
    return [e for e in entries() if e.msgid and not e.obsolete]


def _label(e):
    return f"{e.msgctxt}|{e.msgid}" if e.msgctxt else e.msgid


def test_catalog_has_entries():
    assert PO_PATH.exists(), "run makemessages -l en"
    assert len(_messages()) > 300


def test_every_entry_is_translated():
    empty = [_label(e) for e in _messages() if not all(s.strip() for s in e.translations())]
    assert not empty, f"{len(empty)} untranslated entries in {PO_PATH.name}: {empty[:20]}"


def test_no_fuzzy_entries():
    fuzzy = [n for n, line in enumerate(PO_PATH.read_text(encoding="utf-8").splitlines(), start=1)
             if line.startswith("#,") and "fuzzy" in line]
    assert not fuzzy, f"fuzzy entries (check them, then remove the flag) at lines {fuzzy}"


def test_header_names_the_language():
    header = next(e for e in entries() if e.msgid == "" and e.msgctxt is None)
    assert "Language: en\n" in header.msgstr and "charset=UTF-8" in header.msgstr


def test_placeholders_are_kept():
    wrong = []
    for e in _messages():
        for source, text in ((e.msgid, s) for s in e.translations()):
            if placeholders(source) != placeholders(text):
                wrong.append((_label(e), text))
        if e.msgid_plural is not None:
            for text in e.translations():
                if placeholders(e.msgid_plural)[0] and not placeholders(text)[0]:
                    wrong.append((e.msgid_plural, text))
    assert not wrong, wrong


def test_no_chinese_left_in_translations():
    """English text only; Chinese inside quotes (“万”, “填写说明”, 120万) names what the user sees or types."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    leftovers = []
    for e in _messages():
        for text in e.translations():
            plain = re.sub(r"“[^”]*”|\d+万|\(\w*[\u4e00-\u9fff]\w*\)", "", text)
            if cjk.search(plain):
                leftovers.append((_label(e), text))
    assert not leftovers, leftovers


def test_mo_is_compiled_from_this_po():
    assert MO_PATH.exists(), "run compilemessages"
    with MO_PATH.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in _messages():
        if e.msgid_plural is not None:
            got = mo.ngettext(e.msgid, e.msgid_plural, 1)
            expected = e.msgstr_plural[0]
        elif e.msgctxt is not None:
            got, expected = mo.pgettext(e.msgctxt, e.msgid), e.msgstr
        else:
            got, expected = mo.gettext(e.msgid), e.msgstr
        if got != expected:
            stale.append(_label(e))
    assert not stale, f"django.mo is older than django.po (run compilemessages): {stale[:10]}"


def _source_files():
    for root, dirs, files in os.walk(SOURCE_DIR):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt")):
                yield Path(root) / name


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_source_string_is_in_the_catalog(tmp_path):
    """What makemessages would extract today is all in the catalog (nobody forgot to run it)."""
    python, templated = [], []
    for i, path in enumerate(_source_files()):
        if path.suffix == ".py":
            python.append(str(path))
        else:
            out = tmp_path / f"t{i}.py"
            out.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
            templated.append(str(out))
    pot = tmp_path / "django.pot"
    subprocess.run(["xgettext", "-d", "django", "--language=Python", *XGETTEXT_KEYWORDS, "--from-code=UTF-8",
                    "--add-comments=Translators", f"--output={pot}", *python, *templated],
                   check=True, capture_output=True)
    extracted = {e.key for e in entries(pot) if e.msgid}
    known = {e.key for e in _messages()}
    missing = sorted(extracted - known, key=str)
    assert not missing, f"{len(missing)} strings missing from {PO_PATH.name} (run makemessages): {missing[:20]}"
