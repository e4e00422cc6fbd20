"""`perfbudget check-goals FILE.json`: the quality report of a perfbudget.goals/1 goal table, as JSON.

Prints the report of `perfbudget.goals.quality.check_goals` on stdout and exits 0. A file that cannot be
read (missing, not JSON, not the format) exits 2 with a message on stderr naming the field and the reason.
Uses the national default rules (no database access, so it works before `migrate`); `--rules` overrides them
with a JSON object of rule names or rule-set keys, e.g. '{"layout": "101号"}' or '{"goals.min_indicators": 8}'.
A "-" file reads standard input.
"""

from perfbudget.core.exchange_command import ExchangeCommand
from perfbudget.goals.goalfile import load
from perfbudget.goals.quality import check_goals


class Command(ExchangeCommand):
    help = "检查绩效目标申报表（perfbudget.goals/1 格式的 JSON 文件）的质量，以 JSON 输出检查结果。"
    file_help = "绩效目标表 JSON 文件路径（“-”表示标准输入）"
    rules_help = '覆盖默认规则的 JSON 对象，如 \'{"layout": "101号", "min_indicators": 8}\''

    def run(self, raw, rules):
        return check_goals(load(raw), rules)
