"""Write perfbudget/monitoring/report_templates/monitoring_report.docx, the Word template of the monitoring report.

Run once (`.venv/bin/python scripts/make_monitoring_report_template.py`) and commit the result; afterwards a
bureau edits the .docx in Word (wording, fonts, letterhead, order of sections) and keeps the Jinja tags:

  {{ title }} {{ issuer }} {{ generated_on }} {{ time_progress }}
  {{ round.label }} {{ round.name }} {{ round.year }} {{ round.through }} {{ round.due_on }} {{ round.report_due_on }}
  {{ totals.projects }} {{ totals.budget }} {{ totals.executed }} {{ totals.rate }} {{ totals.late }} …
  {{ paragraphs.basic }} {{ paragraphs.execution }} {{ paragraphs.goals }} {{ paragraphs.problems }}
  {{ paragraphs.measures }} {{ paragraphs.next }}
  {{ chart_curve }} {{ chart_departments }} {{ chart_warnings }}  (pictures; alone in their paragraph)
  table rows: {%tr for d in departments %} … {%tr endfor %}, likewise gaps, warnings, indicators, actions
  whole blocks: {%p if warnings %} … {%p endif %}

See perfbudget/monitoring/report.py (build_context) for every name.
"""

import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from perfbudget.core.documents import (
    add_body,
    add_caption,
    add_heading,
    add_loop_table,
    add_page_number,
    add_picture,
    add_tag,
    add_title,
    official_document,
)

OUT = Path(__file__).resolve().parent.parent / "perfbudget" / "monitoring" / "report_templates" / \
    "monitoring_report.docx"


def build():
    doc = official_document()
    add_title(doc, "{{ title }}")
    add_body(doc, "{{ issuer }}　{{ generated_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_body(doc, "监控轮次：{{ round.label }}（{{ round.scope }}），数据截至{{ round.through }}；"
                  "填报截止{{ round.due_on }}，报告截止{{ round.report_due_on }}（填报截止后10个工作日内）。",
             size=12)

    add_heading(doc, "一、基本情况")
    add_body(doc, "{{ paragraphs.basic }}")

    add_heading(doc, "二、预算执行进度")
    add_body(doc, "{{ paragraphs.execution }}")
    add_picture(doc, "chart_curve", "图1 累计执行率与序时进度")
    add_caption(doc, "表1 各主管部门预算执行情况")
    add_loop_table(doc, ["序号", "主管部门", "项目数", "全年预算(万元)", "已执行(万元)", "执行率", "落后序时(万元)",
                         "红色", "黄色", "逾期"],
                   "d in departments", ["no", "name", "projects", "budget", "executed", "rate", "gap", "red", "yellow",
                                        "late"],
                   total="department_total", widths=[1, 4, 1.2, 2.2, 2.2, 1.5, 2.2, 1, 1, 1])
    add_picture(doc, "chart_departments", "图2 各主管部门执行率（红色为低于序时进度）")
    add_tag(doc, "{%p if gaps %}")
    add_caption(doc, "表2 落后序时进度金额最大的项目")
    add_loop_table(doc, ["序号", "项目名称", "主管部门", "全年预算(万元)", "已执行(万元)", "执行率", "落后金额(万元)"],
                   "g in gaps", ["no", "name", "department", "budget", "executed", "rate", "gap"],
                   widths=[1, 4.5, 3.5, 2.2, 2.2, 1.5, 2.2])
    add_tag(doc, "{%p endif %}")

    add_heading(doc, "三、绩效目标完成情况")
    add_body(doc, "{{ paragraphs.goals }}")
    add_tag(doc, "{%p if indicators %}")
    add_caption(doc, "表3 预计难以完成的绩效指标")
    add_loop_table(doc, ["序号", "项目", "指标", "年度指标值", "预计全年", "完成可能性", "偏差原因", "纠偏措施"],
                   "i in indicators", ["no", "project", "name", "target", "forecast", "likelihood", "cause", "measure"],
                   widths=[1, 3, 3, 2, 2, 1.6, 1.8, 3])
    add_tag(doc, "{%p if indicators_more %}")
    add_body(doc, "另有{{ indicators_more }}个指标未列出。", size=10)
    add_tag(doc, "{%p endif %}")
    add_tag(doc, "{%p endif %}")

    add_heading(doc, "四、发现的问题")
    add_body(doc, "{{ paragraphs.problems }}")
    add_picture(doc, "chart_warnings", "图3 预警情况")
    add_tag(doc, "{%p if warnings %}")
    add_caption(doc, "表4 预警项目")
    add_loop_table(doc, ["序号", "项目名称", "主管部门", "等级", "预警类型", "预警说明"],
                   "w in warnings", ["no", "project", "department", "level", "type", "message"],
                   widths=[1, 3.5, 3, 1.6, 2.4, 5])
    add_tag(doc, "{%p if warnings_more %}")
    add_body(doc, "另有{{ warnings_more }}条预警未列出，详见系统监控看板。", size=10)
    add_tag(doc, "{%p endif %}")
    add_tag(doc, "{%p endif %}")

    add_heading(doc, "五、处置措施")
    add_body(doc, "{{ paragraphs.measures }}")
    add_tag(doc, "{%p if actions %}")
    add_caption(doc, "表5 处置情况")
    add_loop_table(doc, ["序号", "项目名称", "主管部门", "处置方式", "金额(万元)", "理由", "日期"],
                   "a in actions", ["no", "project", "department", "kind", "amount", "reason", "date"],
                   widths=[1, 3.5, 3, 2, 2, 4, 2.5])
    add_tag(doc, "{%p if actions_more %}")
    add_body(doc, "另有{{ actions_more }}项处置未列出。", size=10)
    add_tag(doc, "{%p endif %}")
    add_tag(doc, "{%p endif %}")

    add_heading(doc, "六、下一步工作")
    add_body(doc, "{{ paragraphs.next }}")

    add_page_number(doc)
    return doc


def main(path=OUT):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build().save(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
