"""`perfbudget import-execution FILE [--user USERNAME]`: load a monthly execution file (预算执行数据).

All rows or none: any bad row loads nothing, every bad row is printed to stderr (row, column, value, reason)
and the exit status is 2. On success the counts are printed.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from perfbudget.monitoring.execution import load_execution


class Command(BaseCommand):
    help = "Load a budget execution file (CSV in UTF-8/GB18030 or .xlsx): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or .xlsx file: project_code,fiscal_year,month,paid_amount[,…]")
        parser.add_argument("--user", help="username recorded as the importer (its change scope applies)")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(_("用户「%(name)s」不存在或已停用。") % {"name": options["user"]})
        try:
            result = load_execution(options["file"], user)
        except FileNotFoundError:
            raise CommandError(_("文件不存在：%(path)s") % {"path": options["file"]})
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.error_count > len(result.errors):
                self.stderr.write(_("……另有 %(n)s 处错误未列出。") % {"n": result.error_count - len(result.errors)})
            self.stderr.write(_("导入未通过：共 %(n)s 处错误，没有写入任何数据。") % {"n": result.error_count})
            sys.exit(2)
        self.stdout.write(_("导入成功（批次 %(batch)s）：共 %(total)s 行，新增 %(created)s 条，更正 %(updated)s 条，"
                            "未变 %(unchanged)s 条。")
                          % {"batch": result.batch.pk, "total": result.total, "created": result.created,
                             "updated": result.updated, "unchanged": result.unchanged})
