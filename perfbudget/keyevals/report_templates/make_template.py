"""Write key_evaluation_report.docx next to this file: the Word template of the key-evaluation report.

Run once (`.venv/bin/python perfbudget/keyevals/report_templates/make_template.py [out.docx]`) and commit the
result; afterwards a bureau edits the .docx in Word (wording, fonts, letterhead, order of sections) and keeps the
Jinja tags listed in README.md next to it. Every name is built by perfbudget/keyevals/report.py (`assemble`).
"""

import sys
from pathlib import Path

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

OUT = Path(__file__).resolve().parent / "key_evaluation_report.docx"


def paragraphs(doc, name):
    """A repeated body paragraph: one per entry of the list `name`."""
    add_tag(doc, "{%p for t in " + name + " %}")
    add_body(doc, "{{ t }}")
    add_tag(doc, "{%p endfor %}")


def build():
    """The template as a python-docx Document."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = official_document()
    add_title(doc, "{{ title }}")
    add_body(doc, "{{ issuer }}　{{ generated_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_body(doc, "评价类型：{{ evaluation.kind }}　评价阶段：{{ evaluation.timing }}　"
                  "评价得分：{{ total }}分　评价等级：{{ grade }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER,
             size=12)

    add_heading(doc, "一、基本情况")
    paragraphs(doc, "sections.basic")

    add_heading(doc, "二、评价工作开展情况")
    paragraphs(doc, "sections.work")

    add_heading(doc, "三、综合评价及结论")
    paragraphs(doc, "sections.conclusion")
    add_caption(doc, "表1 绩效评价指标得分情况")
    add_loop_table(doc, ["一级指标", "二级指标", "三级指标", "分值", "得分", "得分率"],
                   "r in score_rows", ["l1", "l2", "l3", "weight", "score", "rate"], total="score_total",
                   widths=[2.6, 3.2, 5.2, 1.5, 1.7, 1.7], bold_field="bold")
    add_picture(doc, "chart_blocks", "图1 一级指标分值与得分")

    add_heading(doc, "四、指标分析")
    add_tag(doc, "{%p for b in blocks %}")
    add_heading(doc, "{{ b.no }}{{ b.name }}指标", level=2)
    add_tag(doc, "{%p for t in b.paragraphs %}")
    add_body(doc, "{{ t }}")
    add_tag(doc, "{%p endfor %}")
    add_tag(doc, "{%p endfor %}")
    paragraphs(doc, "sections.analysis")
    add_picture(doc, "chart_items", "图2 三级指标得分率")

    add_heading(doc, "五、经验、问题及原因")
    add_heading(doc, "（一）主要经验", level=2)
    paragraphs(doc, "sections.experience")
    add_heading(doc, "（二）存在的问题及原因", level=2)
    paragraphs(doc, "sections.problems")
    add_tag(doc, "{%p if findings %}")
    add_caption(doc, "表2 评价发现的问题")
    add_loop_table(doc, ["序号", "问题类别", "问题及原因", "涉及金额(万元)"],
                   "x in findings", ["no", "category", "text", "amount"], total="findings_total",
                   widths=[1.2, 2.8, 9.4, 2.5])
    add_tag(doc, "{%p endif %}")

    add_heading(doc, "六、建议")
    add_tag(doc, "{%p for r in recommendations %}")
    add_body(doc, "{{ r.no }}{{ r.text }}{% if r.addressee %}（责任单位：{{ r.addressee }}）{% endif %}")
    add_tag(doc, "{%p endfor %}")
    paragraphs(doc, "sections.suggestions")

    add_heading(doc, "七、其他")
    paragraphs(doc, "sections.other")

    add_page_number(doc)
    return doc


def main(path=OUT):
    """Write the template to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build().save(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
