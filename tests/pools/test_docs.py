"""docs/draws.md: the script it shows verifies a real draw record with hashlib alone, and notices tampering."""

import json
import re
import subprocess
import sys
from pathlib import Path

from perfbudget.pools import draws

DOC = Path(__file__).resolve().parents[2] / "docs" / "draws.md"


def _script():
    return re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)


def _run(tmp_path, record):
    (tmp_path / "check.py").write_text(_script(), encoding="utf-8")
    (tmp_path / "draw.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, "-I", str(tmp_path / "check.py"), str(tmp_path / "draw.json")],
                         capture_output=True, text=True, check=True, encoding="utf-8").stdout
    return [line for line in out.splitlines() if line.endswith(("True", "False"))]


def _record():
    candidates = [{"id": i, "name": f"专家{i}", "status": "approved", "fields": ["fiscal"]} for i in range(1, 7)]
    inputs = draws.canonical_inputs("expert", 2, candidates, {3: "与被评价单位存在关联关系。"}, {"purpose": "文档"})
    seed = "9c" * 32
    return draws.make_record(inputs, draws.inputs_hash(inputs), draws.sha256_hex(seed), seed,
                             draws.select(inputs, seed))


def test_the_documented_script_verifies_a_record(tmp_path):
    assert all(line.endswith("True") for line in _run(tmp_path, _record()))


def test_the_documented_script_notices_tampering(tmp_path):
    record = _record()
    record["inputs"]["exclusions"].pop("3")
    lines = _run(tmp_path, record)
    assert lines[0].endswith("False")
