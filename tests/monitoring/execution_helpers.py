"""Builders of execution files (real bytes written to disk) for the execution import tests."""

import io

from openpyxl import Workbook

HEADER = ("project_code", "fiscal_year", "month", "paid_amount")


def csv_text(rows, header=HEADER):
    lines = [",".join(header)] + [",".join(_cell(c) for c in row) for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value):
    text = "" if value is None else str(value)
    return f'"{text}"' if any(c in text for c in ',"\n') else text


def write_csv(tmp_path, rows, header=HEADER, encoding="utf-8", name="execution.csv"):
    path = tmp_path / name
    path.write_bytes(csv_text(rows, header).encode(encoding))
    return path


def xlsx_bytes(rows, header=HEADER, title_rows=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "执行数据"
    for row in (*title_rows, header, *rows):
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_xlsx(tmp_path, rows, header=HEADER, name="execution.xlsx", title_rows=()):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows, header, title_rows))
    return path


def messages(result):
    return [str(e) for e in result.errors]


def errors(result):
    return [(e.row, e.column, e.value, e.reason) for e in result.errors]
