"""The shape of the exchange-format commands (`perfbudget check-goals`, `perfbudget score-selfeval`).

One FILE argument ("-" reads standard input) and an optional `--rules` JSON object; the result is printed as JSON
on stdout with exit 0. A file that cannot be read, or read as its format, exits 2 with ``FILE: field: reason`` on
stderr. No database access, so the commands work before `migrate` and on a machine without the server.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from .exchange import FormatError


class ExchangeCommand(BaseCommand):
    """Base of a command that reads one exchange-format file and prints a JSON result; subclasses define `run`."""

    requires_system_checks = []
    requires_migrations_checks = False
    file_help = ""
    rules_help = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--rules", default=None, help=self.rules_help)

    def run(self, raw: bytes, rules: dict | None) -> dict:
        """The result for the file's bytes; raises FormatError for what cannot be read."""
        raise NotImplementedError

    def handle(self, *args, **options):
        path = options["file"]
        rules = self._rules(options["rules"])
        try:
            raw = sys.stdin.buffer.read() if path == "-" else self._read(path)
        except OSError as exc:
            raise CommandError(f"{path}: 无法读取文件：{exc.strerror or exc}", returncode=2) from None
        try:
            result = self.run(raw, rules)
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
