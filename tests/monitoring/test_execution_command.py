"""`perfbudget import-execution FILE`: counts on success; every bad row on stderr and exit status 2."""

import io
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from perfbudget.monitoring.models import ExecutionYear

from .execution_helpers import write_csv


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_execution", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_loads_and_prints_counts(world, tmp_path):
    path = write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 1, "100"), ("SIBLING-EDU-1", 2025, 1, "5")])
    code, out, err = run(str(path))
    assert code == 0 and err == ""
    assert "共 2 行，新增 2 条，更正 0 条，未变 0 条" in out
    assert ExecutionYear.objects.get(project_year__project__code="COUNTY-EDU-1").total() == Decimal("100")
    code, out, _err = run(str(path), "--user", "county_perf")
    assert code == 2  # the sibling county's project is outside county_perf's scope


def test_bad_rows_go_to_stderr_with_status_2(world, tmp_path):
    path = write_csv(tmp_path, [("COUNTY-EDU-1", 2025, 13, "100"), ("NOPE", 2025, 1, "-1")])
    code, out, err = run(str(path), "--user", "county_perf")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "第2行「month」值「13」：月份应在 1 到 12 之间",
        "第3行「project_code」值「NOPE」：项目编码不存在或不在您的管理范围内",
        "第3行「paid_amount」值「-1」：支付金额不能为负数",
        "导入未通过：共 3 处错误，没有写入任何数据。",
    ]
    assert not ExecutionYear.objects.exists()


def test_unknown_user_and_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="不存在或已停用"):
        call_command("import_execution", str(tmp_path / "x.csv"), "--user", "nobody")
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_execution", str(tmp_path / "missing.csv"))


def test_console_script_exit_status(tmp_path):
    """The real console entry point (`python -m perfbudget import-execution`) exits 2 on a file that is not CSV."""
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    proc = subprocess.run([sys.executable, "-m", "perfbudget", "import-execution", str(path), "--skip-checks"],
                          capture_output=True, text=True, env={**os.environ,
                                                                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert proc.returncode == 2, proc.stderr
    assert "PDF" in proc.stderr
