"""POST /api/execution/import/: token auth, counts on success, 400 with every bad row, 403 for other roles."""

from django.core.files.uploadedfile import SimpleUploadedFile

from perfbudget.monitoring.models import ExecutionChange, ExecutionYear

from .execution_helpers import csv_text

URL = "/api/execution/import/"


def upload(rows, name="execution.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, csv_text(rows).encode(encoding))


def test_import_returns_counts(world, token_client):
    client = token_client(world.users["county"]["perf"])
    r = client.post(URL, {"file": upload([("COUNTY-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-1", 2025, 2, "5")])},
                    format="multipart")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {k: body[k] for k in ("total", "created", "updated", "unchanged", "encoding")} == {
        "total": 2, "created": 2, "updated": 0, "unchanged": 0, "encoding": "utf-8"}
    r = client.post(URL, {"file": upload([("COUNTY-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-1", 2025, 2, "6")],
                                         encoding="gb18030")}, format="multipart")
    assert (r.json()["updated"], r.json()["unchanged"]) == (1, 1)
    assert ExecutionChange.objects.get().after == 6


def test_bad_rows_give_400_and_write_nothing(world, token_client):
    client = token_client(world.users["county"]["budget"])
    r = client.post(URL, {"file": upload([("SIBLING-EDU-1", 2025, 1, "100"), ("COUNTY-EDU-1", 2025, 1, "1.001")])},
                    format="multipart")
    assert r.status_code == 400
    body = r.json()
    assert body["error_count"] == 2 and "没有写入任何数据" in body["detail"]
    assert body["errors"] == [
        {"row": 2, "column": "project_code", "value": "SIBLING-EDU-1", "reason": "项目编码不存在或不在您的管理范围内"},
        {"row": 3, "column": "paid_amount", "value": "1.001", "reason": "支付金额最多保留两位小数（单位：元）"},
    ]
    assert not ExecutionYear.objects.exists()


def test_file_problems_and_permissions(world, token_client):
    from rest_framework.test import APIClient

    client = token_client(world.users["county"]["perf"])
    r = client.post(URL, {"file": SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64)}, format="multipart")
    assert r.status_code == 400 and r.json()["errors"][0]["row"] is None
    assert client.post(URL, {}, format="multipart").status_code == 400
    r = token_client(world.users["county"]["unit"]).post(URL, {"file": upload([("COUNTY-EDU-1", 2025, 1, "1")])},
                                                         format="multipart")
    assert r.status_code == 403
    anonymous = APIClient().post(URL, {"file": upload([("COUNTY-EDU-1", 2025, 1, "1")])}, format="multipart")
    assert anonymous.status_code == 401
