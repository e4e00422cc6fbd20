"""`perfbudget check-goals FILE.json`: the quality report of a perfbudget.goals/1 goal table, as JSON.

Prints the report of `perfbudget.goals.quality.check_goals` on stdout and exits 0. A file that cannot be
read (missing, not JSON, not the format) exits 2 with a message on stderr naming the field and the reason.
Uses the national default rules (no database access, so it works before `migrate`); `--rules` overrides them
with a JSON object of rule names or rule-set keys, e.g. '{"layout": "101号"}' or '{"goals.min_indicators": 8}'.
A "-" file reads standard input.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from perfbudget.goals.goalfile import FormatError, load
from perfbudget.goals.quality import check_goals


class Command(BaseCommand):
    help = "检查绩效目标申报表（perfbudget.goals/1 格式的 JSON 文件）的质量，以 JSON 输出检查结果。"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="绩效目标表 JSON 文件路径（“-”表示标准输入）")
        parser.add_argument("--rules", default=None,
                            help='覆盖默认规则的 JSON 对象，如 \'{"layout": "101号", "min_indicators": 8}\'')

    def handle(self, *args, **options):
        path = options["file"]
        rules = self._rules(options["rules"])
        try:
            raw = sys.stdin.buffer.read() if path == "-" else self._read(path)
        except OSError as exc:
            raise CommandError(f"{path}: 无法读取文件：{exc.strerror or exc}", returncode=2) from None
        try:
            report = check_goals(load(raw), rules)
        except FormatError as exc:
            raise CommandError(f"{path}: {exc.field}: {exc.reason}", returncode=2) from None
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

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
