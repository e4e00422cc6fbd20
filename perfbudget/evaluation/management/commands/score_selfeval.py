"""`perfbudget score-selfeval FILE.json`: score and audit a perfbudget.selfeval/1 self-evaluation table, as JSON.

Prints the result of `perfbudget.evaluation.scoring.score_table` on stdout and exits 0. A file that cannot be
read (missing, not JSON, not the format, a bad rule) exits 2 with ``FILE: field: reason`` on stderr. Uses the
national default rules overlaid by the file's own ``rules`` (no database access, so it works before `migrate`);
`--rules` overrides both with a JSON object of rule names or rule-set keys, e.g. '{"execution_weight": 20}' or
'{"grades.bands": [85, 75, 60]}'. A "-" file reads standard input.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from perfbudget.evaluation.scoring import score_table
from perfbudget.evaluation.selfevalfile import FormatError, load


class Command(BaseCommand):
    help = "按规则为单位自评表（perfbudget.selfeval/1 格式的 JSON 文件）计分并审核自评得分，以 JSON 输出结果。"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="自评表 JSON 文件路径（“-”表示标准输入）")
        parser.add_argument("--rules", default=None,
                            help='覆盖规则的 JSON 对象，如 \'{"execution_weight": 20, "grade_bands": [90, 80, 60]}\'')

    def handle(self, *args, **options):
        path = options["file"]
        rules = self._rules(options["rules"])
        try:
            raw = sys.stdin.buffer.read() if path == "-" else self._read(path)
        except OSError as exc:
            raise CommandError(f"{path}: 无法读取文件：{exc.strerror or exc}", returncode=2) from None
        try:
            table = load(raw)
            if rules:
                table["rules"] = {**(table.get("rules") or {}), **rules}
            result = score_table(table)
        except FormatError as exc:
            raise CommandError(f"{path}: {exc.field}: {exc.reason}", returncode=2) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    @staticmethod
    def _read(path):
        with open(path, "rb") as fh:
            return fh.read()

    @staticmethod
    def _rules(text):
        if not text:
            return None
        try:
            rules = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"--rules: 不是有效的 JSON（{exc.msg}）", returncode=2) from None
        if not isinstance(rules, dict):
            raise CommandError("--rules: 应为 JSON 对象", returncode=2)
        return rules
