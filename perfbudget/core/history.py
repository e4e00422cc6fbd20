"""The change log (历史记录) of one object: django-auditlog entries plus workflow steps, and their export."""

import io
import re

from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("新建"),
    LogEntry.Action.UPDATE: _("修改"),
    LogEntry.Action.DELETE: _("删除"),
    LogEntry.Action.ACCESS: _("访问"),
}


def change_entries(*objects):
    """Change-log entries of the given objects, newest first, with the acting user loaded."""
    entries = LogEntry.objects.none()
    for obj in objects:
        entries = entries | LogEntry.objects.get_for_object(obj)
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def describe(entry):
    """Rows of (field label, before, after) for one entry."""
    rows, m2m_labels = [], set()
    for name, values in (entry.changes_dict or {}).items():
        if isinstance(values, dict) and values.get("type") == "m2m":
            label = str(_field_label(entry, name))
            m2m_labels.add(label)
            rows.append((label, *_m2m_change(values)))
    hidden = m2m_labels | _hidden_labels(entry)
    for field, values in entry.changes_display_dict.items():
        if str(field) in hidden:
            continue
        before, after = (values + ["", ""])[:2] if isinstance(values, list) else ("", values)
        rows.append((field, _shown(before), _shown(after)))
    return rows


def _hidden_labels(entry):
    """Labels of what a creation or deletion logs but a reader has no use for: the primary key, and what is no
    column of the row — reverse relations (shown as "app.Model.None") and generic keys (their parts are logged)."""
    model = entry.content_type.model_class()
    hidden = set()
    for name in entry.changes_dict or {}:
        try:
            field = model._meta.get_field(name)
        except Exception:  # a field since removed: keep showing it
            continue
        if getattr(field, "primary_key", False) or not getattr(field, "concrete", True):
            hidden.add(str(getattr(field, "verbose_name", field.name)))
    return hidden


def _shown(value):
    """A logged value as a reader should see it: nothing for None, JSON's escaped Chinese unescaped (the display
    value may be cut short, so the escapes are replaced one by one rather than by parsing the JSON)."""
    if value in (None, "None"):
        return ""
    if isinstance(value, str) and "\\u" in value:
        return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _field_label(entry, name):
    model = entry.content_type.model_class()
    try:
        return model._meta.get_field(name).verbose_name
    except Exception:  # a field since removed: show its name
        return name


def _m2m_change(values):
    """(before, after) of a many-to-many change: the objects removed, or the objects added."""
    objects = "、".join(str(o) for o in values.get("objects") or [])
    operation = values.get("operation")
    if operation == "add":
        return "", _("新增：%(objects)s") % {"objects": objects}
    if operation == "clear":
        return _("全部移除"), ""
    return _("移除：%(objects)s") % {"objects": objects}, ""


def export_xlsx(title, entries):
    """The change log as an .xlsx workbook (bytes): one row per changed field."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("历史记录")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    headers = [_("时间"), _("操作"), _("对象"), _("字段"), _("修改前"), _("修改后"), _("操作人"), _("请求编号"),
               _("IP地址")]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F3")
    for e in entries:
        when = timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        base = [when, ACTION_LABELS.get(e.action, str(e.action)), f"{e.content_type.name} {e.object_repr}"]
        tail = [str(e.actor) if e.actor else _("系统"), e.cid or "", e.remote_addr or ""]
        rows = describe(e) or [("", "", "")]
        for field, before, after in rows:
            ws.append(base + [str(field), str(before), str(after)] + tail)
    for col, width in zip("ABCDEFGHI", (20, 8, 36, 18, 28, 28, 14, 34, 16), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
