"""Helpers for the organisation and account import tests: .xlsx files by Chinese header, and row counts."""

import io

from openpyxl import Workbook

from perfbudget.core.importexport import run_import
from perfbudget.orgs.importers import ORG_SPEC
from perfbudget.orgs.importers_accounts import ACCOUNT_SPEC
from perfbudget.orgs.models import Organisation, RoleGrant, User

ORG_HEADERS = [c.header for c in ORG_SPEC.columns]
ACCOUNT_HEADERS = [c.header for c in ACCOUNT_SPEC.columns]
NEW_PASSWORD = "Yc-start-2025"


def xlsx(rows, headers):
    """An .xlsx file (bytes): the header row, then the rows (dicts by header)."""
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def org(code, name, kind="预算单位", parent="", region="640323", section="", active=None):
    return {"机构代码": code, "机构名称": name, "类型": kind, "上级机构代码": parent, "所属区划代码": region,
            "归口业务科室代码": section, "启用": active}


def account(username, role="预算单位", org="", region="", name=None, password=NEW_PASSWORD, phone=""):
    return {"用户名": username, "姓名": name or f"{username}姓名", "电话": phone, "初始密码": password, "角色": role,
            "授权机构代码": org, "授权区划代码": region}


def import_orgs(user, rows, update=False):
    return run_import(ORG_SPEC, xlsx(rows, ORG_HEADERS), user, update=update, filename="机构.xlsx")


def import_accounts(user, rows, update=False):
    return run_import(ACCOUNT_SPEC, xlsx(rows, ACCOUNT_HEADERS), user, update=update, filename="用户.xlsx")


def counts():
    return Organisation.objects.count(), User.objects.count(), RoleGrant.objects.count()


def reasons(result):
    return [str(e) for e in result.errors]
