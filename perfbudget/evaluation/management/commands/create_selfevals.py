"""`perfbudget create-selfevals --region CODE --year YYYY`: create the self-evaluations of a region and year.

One per project year with an approved goal (无目标不评价), funds from the project year and the execution data, rows
from the approved goal with targets locked. Running it again creates only what is missing. Prints what it did;
exits 2 when the region does not exist.
"""

from django.core.management.base import BaseCommand, CommandError

from perfbudget.evaluation.services import create_selfevals
from perfbudget.orgs.models import Region


class Command(BaseCommand):
    help = "为一个区划一个年度中已批复绩效目标的项目生成单位自评表（可重复运行，只补缺少的）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 640323")
        parser.add_argument("--year", required=True, type=int, help="预算年度，如 2025")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"区划「{options['region']}」不存在。", returncode=2)
        outcome = create_selfevals(region, options["year"])
        self.stdout.write(f"{region.name} {options['year']}年：新生成自评表 {outcome['created']} 份，"
                          f"已有 {outcome['existing']} 份，无已批复绩效目标的项目 {len(outcome['without_goal'])} 个。")
        for code in outcome["without_goal"]:
            self.stdout.write(f"  无目标：{code}")
