"""`perfbudget score-selfeval FILE.json`: score and audit a perfbudget.selfeval/1 self-evaluation table, as JSON.

Prints the result of `perfbudget.evaluation.scoring.score_table` on stdout and exits 0. A file that cannot be
read (missing, not JSON, not the format, a bad rule) exits 2 with ``FILE: field: reason`` on stderr. Uses the
national default rules overlaid by the file's own ``rules`` (no database access, so it works before `migrate`);
`--rules` overrides both with a JSON object of rule names or rule-set keys, e.g. '{"execution_weight": 20}' or
'{"grades.bands": [85, 75, 60]}'. A "-" file reads standard input.
"""

from perfbudget.core.exchange_command import ExchangeCommand
from perfbudget.evaluation.scoring import score_table
from perfbudget.evaluation.selfevalfile import load


class Command(ExchangeCommand):
    help = "按规则为单位自评表（perfbudget.selfeval/1 格式的 JSON 文件）计分并审核自评得分，以 JSON 输出结果。"
    file_help = "自评表 JSON 文件路径（“-”表示标准输入）"
    rules_help = '覆盖规则的 JSON 对象，如 \'{"execution_weight": 20, "grade_bands": [90, 80, 60]}\''

    def run(self, raw, rules):
        table = load(raw)
        if rules:
            table["rules"] = {**(table.get("rules") or {}), **rules}
        return score_table(table)
