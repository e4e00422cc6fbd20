"""The evaluation report of a key evaluation (绩效评价报告): one context, rendered to Word (docxtpl) and PDF.

The outline is the one of 财预〔2020〕10号: 一、基本情况; 二、评价工作开展情况; 三、综合评价及结论 (the score table by
level one / two / three with 分值, 得分, 得分率); 四、指标分析 (one block per level-one indicator, drafted from the
scores: the items that lost most points and the evaluators' reasons); 五、经验、问题及原因 (the findings with their
amounts); 六、建议 (the recommendations); 七、其他.

Three layers, so each can be tested alone:

- `ReportFacts` holds the raw facts (Decimals, dates, the frozen framework tree, the final score of each item);
  `gather(evaluation)` reads them from the models.
- `assemble(facts)` is plain Python: it formats every value as text (amounts in 万元 with two decimals, scores with
  two decimals, 得分率 in %), drafts the paragraphs and draws the charts (PNG bytes under chart_*).
- `render_docx(context)` / `render_pdf(context)` render the same names through the bureau-editable Word template
  (`report_templates/key_evaluation_report.docx`, tags in `report_templates/README.md`) and the HTML page template
  `keyevals/report_pdf.html`.

`build_context(evaluation)` = `assemble(gather(evaluation))`.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from perfbudget.core import documents
from perfbudget.core.templatetags import money

from . import charts
from .frameworks import to_weight

TEMPLATE_PATH = Path(__file__).resolve().parent / "report_templates" / "key_evaluation_report.docx"
PDF_TEMPLATE = "keyevals/report_pdf.html"
CHARTS = ("chart_blocks", "chart_items")
LOWEST = 3  # items named per level-one block in 指标分析
CENT = Decimal("0.01")
SECTION_NUMERALS = "一二三四五六七八九十"


class ReportError(RuntimeError):
    """The report cannot be built (message in Chinese)."""


# --- facts ----------------------------------------------------------------------------------------------------

@dataclass
class ReportFacts:
    """The raw facts of one evaluation report; `assemble` turns them into the all-text context.

    `items` is the frozen framework tree (level one → two → three, each node code/name/weight/children);
    `scores` the final score (mean of the evaluators) per leaf code; `reasons` the evaluators' reasons or
    evidence per leaf code (used in 指标分析); `texts` what the performance office wrote per section (basic,
    work, conclusion, analysis, experience, problems, suggestions, other), which follows the drafted paragraphs.
    """

    subject: str
    year: int
    region: str
    kind: str = ""
    timing: str = ""
    mid_term: bool = False
    code: str = ""
    items: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    total: Decimal | None = None
    grade: str = ""
    amount: Decimal | None = None
    bodies: list = field(default_factory=list)
    project_years: list = field(default_factory=list)
    commissioning: str = ""
    framework: str = ""
    agency: str = ""
    experts: list = field(default_factory=list)
    started_on: date | None = None
    finished_on: date | None = None
    texts: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)  # dicts: category, text, amount (元 or None)
    recommendations: list = field(default_factory=list)  # dicts: text, addressee
    today: date | None = None


# --- formatting: every figure in the context is text ----------------------------------------------------------

def wan(value):
    """元 → 万元 with two decimals ("4,209.00"), "—" when unknown."""
    return money.wan(value) or "—"


def points(value):
    """A weight as written in the framework: 15 → "15", 2.5 → "2.5"."""
    if value is None:
        return "—"
    value = Decimal(value)
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), "f")


def score_text(value):
    """A score with two decimals ("13.50"), "—" when not scored."""
    return "—" if value is None else format(Decimal(value).quantize(CENT, ROUND_HALF_UP), "f")


def rate_text(score, weight):
    """得分率 = score / weight in % with one decimal ("90.0%"), "—" when not scored."""
    if score is None or not weight:
        return "—"
    return f"{(Decimal(score) / Decimal(weight) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def cn_date(day):
    """2025年9月3日, "—" when unknown."""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day} if day else "—"


def section_no(n):
    """1 → "（一）" (sub-section numbers of an official report)."""
    return "（" + (SECTION_NUMERALS[n - 1] if 0 < n <= 10 else str(n)) + "）"


def _join(parts):
    return "、".join(p for p in parts if p)


def _paragraphs(text):
    """The office's text split into paragraphs (blank lines and single line breaks both separate)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def report_title(subject, year, mid_term=False):
    """"××项目2025年度绩效评价报告" (事中: "××项目2025年度事中绩效评价报告")."""
    subject = (subject or "").strip()
    for suffix in ("绩效评价报告", "重点绩效评价", "绩效评价"):
        if subject.endswith(suffix) and len(subject) > len(suffix):
            subject = subject[: -len(suffix)]
            break
    if mid_term:
        return _("%(subject)s%(year)s年度事中绩效评价报告") % {"subject": subject, "year": year}
    return _("%(subject)s%(year)s年度绩效评价报告") % {"subject": subject, "year": year}


# --- the score table (plain data) -----------------------------------------------------------------------------

def score_table(items, scores):
    """The framework tree with scores summed upwards: (rows, blocks, leaves, total).

    `scores` maps leaf code → Decimal (missing = not scored); a stored evaluation's item scores are already means
    rounded to cents (`spread.item_means`), so every subtotal is the exact sum of the printed rows and the total
    equals `KeyEvaluation.total`. Scores with more places are summed exactly and rounded only when printed.
    Each row is a dict with level (1–3),
    code, name, weight, score (Decimal or None), children (the node's leaves, for the analysis); `blocks` are
    the level-one rows, `leaves` every scored-or-not leaf row with its level-one name.
    """
    rows, leaves = [], []

    def walk(nodes, level, block):
        total_weight, total_score, any_score = Decimal(0), Decimal(0), False
        for node in nodes or ():
            name = str(node.get("name", ""))
            row = {"level": level, "code": str(node.get("code", "")), "name": name,
                   "weight": to_weight(node.get("weight")) or Decimal(0), "score": None, "leaves": []}
            rows.append(row)
            children = node.get("children") or []
            if children:
                start = len(leaves)
                weight, score, scored = walk(children, level + 1, block or name)
                row["score"] = score if scored else None
                row["leaves"] = leaves[start:]
                if not to_weight(node.get("weight")):
                    row["weight"] = weight
            else:
                raw = scores.get(row["code"])
                row["score"] = None if raw is None else Decimal(raw)
                row["block"] = block or name
                row["leaves"] = [row]
                leaves.append(row)
            total_weight += row["weight"]
            if row["score"] is not None:
                total_score += row["score"]
                any_score = True
        return total_weight, total_score, any_score

    weight, score, scored = walk(items, 1, "")
    blocks = [r for r in rows if r["level"] == 1]
    return rows, blocks, leaves, {"weight": weight, "score": score if scored else None}


def lowest_items(leaves, limit=LOWEST):
    """The scored leaves that lost points, by 得分率 then points lost (largest first), at most `limit`."""
    lost = [r for r in leaves if r["score"] is not None and r["weight"] and r["score"] < r["weight"]]
    lost.sort(key=lambda r: (r["score"] / r["weight"], -(r["weight"] - r["score"]), r["code"]))
    return lost[:limit]


def block_paragraph(block, reasons=None):
    """The 指标分析 paragraph of one level-one block, drafted from its scores (and the evaluators' reasons)."""
    reasons = reasons or {}
    name = block["name"]
    if block["score"] is None:
        return _("%(name)s指标分值%(w)s分，尚未评分。") % {"name": name, "w": points(block["weight"])}
    text = _("%(name)s指标分值%(w)s分，得分%(s)s分，得分率%(r)s。") % {
        "name": name, "w": points(block["weight"]), "s": score_text(block["score"]),
        "r": rate_text(block["score"], block["weight"])}
    leaves = block["leaves"]
    full = [r for r in leaves if r["score"] is not None and r["score"] >= r["weight"]]
    low = lowest_items(leaves)
    if leaves and len(full) == len(leaves):
        return text + _("该部分%(n)s项指标均得满分。") % {"n": len(leaves)}
    if full:
        text += _("其中，%(first)s等%(n)s项指标得满分；") % {"first": full[0]["name"], "n": len(full)} \
            if len(full) > 1 else _("其中，%(first)s得满分；") % {"first": full[0]["name"]}
    else:
        text += _("其中，")
    text += _("扣分较多的是%(list)s。") % {"list": _join(
        _("%(name)s（分值%(w)s分，得分%(s)s分，得分率%(r)s）") % {
            "name": r["name"], "w": points(r["weight"]), "s": score_text(r["score"]),
            "r": rate_text(r["score"], r["weight"])} for r in low)}
    why = [(r["name"], "；".join(reasons[r["code"]])) for r in low if reasons.get(r["code"])]
    if why:
        text += _("扣分原因：%(list)s。") % {"list": "；".join(f"{n}，{w.rstrip('。；;.')}" for n, w in why)}
    return text


# --- paragraphs -----------------------------------------------------------------------------------------------

def paragraph_basic(f):
    """基本情况: the object, its kind, the money involved and the evaluated bodies."""
    text = _("本次评价对象为%(subject)s") % {"subject": f.subject}
    if f.kind:
        text += _("（%(kind)s）") % {"kind": f.kind}
    text += _("，评价年度为%(year)s年度") % {"year": f.year}
    if f.amount is not None:
        text += _("，涉及资金%(amount)s万元") % {"amount": wan(f.amount)}
    text += "。"
    if f.bodies:
        text += _("被评价单位为%(list)s。") % {"list": _join(f.bodies)}
    if f.project_years:
        text += _("涉及项目：%(list)s。") % {"list": _join(f.project_years)}
    return text


def paragraph_work(f, counts):
    """评价工作开展情况: who commissioned and did the work, the framework, the method, the dates."""
    who = f.commissioning or _("%(region)s财政局") % {"region": f.region}
    text = _("%(who)s组织开展了%(subject)s%(year)s年度%(timing)s绩效评价") % {
        "who": who, "subject": f.subject, "year": f.year, "timing": f.timing}
    if f.started_on:
        text = _("%(date)s，") % {"date": cn_date(f.started_on)} + text
    text += "。"
    if f.agency:
        text += _("评价工作委托第三方机构%(agency)s实施") % {"agency": f.agency}
        text += _("，评价专家组由%(list)s共%(n)s名专家组成") % {"list": _join(f.experts), "n": len(f.experts)} \
            if f.experts else ""
        text += _("，第三方机构和专家均从机构库、专家库中随机抽取，并回避利益冲突。")
    elif f.experts:
        text += _("评价专家组由%(list)s共%(n)s名专家组成，专家从专家库中随机抽取，并回避利益冲突。") % {
            "list": _join(f.experts), "n": len(f.experts)}
    text += _("评价采用%(framework)s，设一级指标%(l1)s个、二级指标%(l2)s个、三级指标%(l3)s个，总分%(total)s分。") % {
        "framework": f.framework or _("重点绩效评价指标体系"), "l1": counts[1], "l2": counts[2], "l3": counts[3],
        "total": points(counts["weight"])}
    text += _("评价组通过资料核查、现场勘查、问卷调查和座谈访谈等方式采集数据，各评价专家依据评分标准独立评分，"
              "各指标得分取评价专家评分的平均值。")
    if f.finished_on:
        text += _("评价工作于%(date)s完成。") % {"date": cn_date(f.finished_on)}
    return text


def paragraph_conclusion(f, blocks, total):
    """综合评价及结论: the total, the grade and the score of each level-one block."""
    if total is None:
        return _("本次评价尚未完成评分。")
    text = _("经综合评价，%(subject)s%(year)s年度绩效评价得分为%(total)s分") % {
        "subject": f.subject, "year": f.year, "total": score_text(total)}
    text += _("，评价等级为“%(grade)s”。") % {"grade": f.grade} if f.grade else "。"
    scored = [b for b in blocks if b["score"] is not None]
    if scored:
        text += _("其中，%(list)s。") % {"list": _join(
            _("%(name)s指标得分%(s)s分（分值%(w)s分，得分率%(r)s）") % {
                "name": b["name"], "s": score_text(b["score"]), "w": points(b["weight"]),
                "r": rate_text(b["score"], b["weight"])} for b in scored)}
    return text


def paragraph_problems(findings):
    """The summary sentence of the findings (count and money involved)."""
    if not findings:
        return _("本次评价未发现需要单独列示的问题。")
    involved = [Decimal(x["amount"]) for x in findings if x.get("amount") not in (None, "")]
    text = _("评价发现问题%(n)s个") % {"n": len(findings)}
    if involved:
        text += _("，涉及金额%(amount)s万元") % {"amount": wan(sum(involved, Decimal(0)))}
    return text + _("，具体如下：")


def paragraph_other():
    """七、其他 when the office wrote nothing."""
    return _("本报告评价结论依据被评价单位提供的资料和评价组核查情况作出。评价结果将作为以后年度预算安排、"
             "政策调整和改进管理的重要依据，被评价单位应对评价发现的问题认真整改，并按规定报送整改情况。")


def _level_counts(rows, totals):
    counts = {1: 0, 2: 0, 3: 0, "weight": totals["weight"]}
    for r in rows:
        counts[r["level"]] = counts.get(r["level"], 0) + 1
    return counts


# --- context --------------------------------------------------------------------------------------------------

def assemble(f, with_charts=True):
    """The all-text report context of `f` (a ReportFacts); charts as PNG bytes under chart_* unless not asked."""
    rows, blocks, leaves, totals = score_table(f.items, f.scores)
    total = f.total if f.total is not None else totals["score"]
    texts = f.texts or {}
    findings = [{"no": str(i), "category": str(x.get("category") or ""), "text": str(x.get("text") or ""),
                 "amount": wan(x["amount"]) if x.get("amount") not in (None, "") else ""}
                for i, x in enumerate(f.findings, start=1)]
    involved = sum((Decimal(x["amount"]) for x in f.findings if x.get("amount") not in (None, "")), Decimal(0))
    context = {
        "title": report_title(f.subject, f.year, f.mid_term),
        "region": f.region,
        "issuer": f.commissioning or _("%(region)s财政局") % {"region": f.region},
        "generated_on": cn_date(f.today or timezone.localdate()),
        "evaluation": {
            "code": f.code, "subject": f.subject, "year": str(f.year), "kind": f.kind, "timing": f.timing,
            "amount": wan(f.amount), "bodies": _join(f.bodies) or "—", "project_years": _join(f.project_years),
            "commissioning": f.commissioning, "framework": f.framework, "agency": f.agency or "—",
            "experts": _join(f.experts) or "—", "expert_count": str(len(f.experts)),
            "started_on": cn_date(f.started_on), "finished_on": cn_date(f.finished_on)},
        "total": score_text(total),
        "grade": f.grade or "—",
        "sections": {
            "basic": [paragraph_basic(f), *_paragraphs(texts.get("basic"))],
            "work": [paragraph_work(f, _level_counts(rows, totals)), *_paragraphs(texts.get("work"))],
            "conclusion": [paragraph_conclusion(f, blocks, total), *_paragraphs(texts.get("conclusion"))],
            "experience": _paragraphs(texts.get("experience")) or [_("（无）")],
            "problems": [paragraph_problems(f.findings), *_paragraphs(texts.get("problems"))],
            "analysis": _paragraphs(texts.get("analysis")),
            "suggestions": _paragraphs(texts.get("suggestions")) or ([] if f.recommendations else [_("（无）")]),
            "other": _paragraphs(texts.get("other")) or [paragraph_other()],
        },
        "score_rows": [{"level": str(r["level"]), "code": r["code"], "name": r["name"],
                        "l1": r["name"] if r["level"] == 1 else "", "l2": r["name"] if r["level"] == 2 else "",
                        "l3": r["name"] if r["level"] >= 3 else "", "weight": points(r["weight"]),
                        "score": score_text(r["score"]), "rate": rate_text(r["score"], r["weight"]),
                        "bold": r["level"] == 1} for r in rows],
        "score_total": {"l1": _("合计"), "l2": "", "l3": "", "weight": points(totals["weight"]),
                        "score": score_text(total), "rate": rate_text(total, totals["weight"])},
        "blocks": [{"no": section_no(i), "name": b["name"], "weight": points(b["weight"]),
                    "score": score_text(b["score"]), "rate": rate_text(b["score"], b["weight"]),
                    "paragraphs": [block_paragraph(b, f.reasons)]} for i, b in enumerate(blocks, start=1)],
        "findings": findings,
        "findings_total": {"no": "", "category": _("合计"), "text": _("共%(n)s个问题") % {"n": len(findings)},
                           "count": str(len(findings)), "amount": wan(involved) if involved else ""},
        "recommendations": [{"no": section_no(i), "text": str(r.get("text") or ""),
                             "addressee": str(r.get("addressee") or "")}
                            for i, r in enumerate(f.recommendations, start=1)],
    }
    if with_charts:
        try:
            context["chart_blocks"] = charts.block_scores(blocks)
            context["chart_items"] = charts.item_completion(leaves)
        except documents.DocumentError as exc:
            raise ReportError(str(exc)) from exc
    return context


# --- gathering from the models --------------------------------------------------------------------------------

def _issuer_name(org):
    # A section (绩效科) commissions on behalf of its bureau; the report is issued by the bureau.
    from perfbudget.orgs.choices import OrgKind

    if org is None:
        return ""
    if org.kind == OrgKind.SECTION and org.parent_id:
        return org.parent.name
    return org.name


def gather(evaluation, today=None):
    """The ReportFacts of a stored KeyEvaluation (a bounded number of queries)."""
    from . import services, spread
    from .choices import EvaluatorKind, Timing
    from .models import EvaluatorScore, KeyEvaluation

    ev = (KeyEvaluation.objects.select_related("region", "commissioning_org__parent", "framework", "agency_draw")
          .prefetch_related("subjects", "project_years__project", "evaluators", "findings", "recommendations")
          .get(pk=evaluation.pk))
    evaluators = sorted(ev.evaluators.all(), key=lambda e: (e.kind != EvaluatorKind.AGENCY, e.position, e.pk))
    weights = {leaf.code: leaf.weight for leaf in ev.leaves}
    # the final score of an item is the mean of the evaluators' scores rounded to cents, as the total was computed
    scores = spread.item_means(services.score_table(ev), list(weights))
    reasons = {}
    for code, score, evidence, reason in EvaluatorScore.objects.filter(evaluation=ev).values_list(
            "item_code", "score", "evidence", "reason").order_by("item_code", "evaluator__kind",
                                                                 "evaluator__position", "pk"):
        # the evaluators who took points off say why, in their evidence or their deviation reason
        if code in weights and score < weights[code]:
            for text in (reason, evidence):
                text = (text or "").strip()
                if text and text not in reasons.setdefault(code, []):
                    reasons[code].append(text)
    timing = ev.get_timing_display().removesuffix("评价")
    started = ev.agency_draw.revealed_at if ev.agency_draw_id and ev.agency_draw.revealed_at else None
    return ReportFacts(
        subject=ev.title, year=ev.year, region=ev.region.name, kind=str(ev.get_object_kind_display()),
        timing=timing, mid_term=ev.timing == Timing.MID_TERM, code=str(ev.pk), items=ev.items or [],
        scores=scores, total=ev.total, grade=ev.grade,
        amount=ev.amount, bodies=[o.name for o in sorted(ev.subjects.all(), key=lambda o: o.code)],
        project_years=[_("%(code)s %(name)s（%(year)s年）") % {"code": py.project.code, "name": py.project.name,
                                                             "year": py.year}
                       for py in sorted(ev.project_years.all(), key=lambda p: (p.project.code, p.year))],
        commissioning=_issuer_name(ev.commissioning_org), framework=ev.framework_name or ev.framework.name,
        agency=next((e.name for e in evaluators if e.kind == EvaluatorKind.AGENCY), ""),
        experts=[e.name for e in evaluators if e.kind == EvaluatorKind.EXPERT],
        started_on=timezone.localdate(started) if started else None,
        finished_on=timezone.localdate(ev.finished_at) if ev.finished_at else None,
        texts={"basic": ev.background, "work": ev.work_done, "conclusion": ev.conclusion,
               "analysis": ev.indicator_analysis, "experience": ev.experience, "problems": ev.problems_causes,
               "other": ev.other},
        reasons=reasons,
        findings=[{"category": str(x.get_category_display()), "text": x.description, "amount": x.amount}
                  for x in ev.findings.all()],
        recommendations=[{"text": r.text, "addressee": r.addressee} for r in ev.recommendations.all()],
        today=today,
    )


def build_context(evaluation, today=None, with_charts=True):
    """The report context of a stored KeyEvaluation: `assemble(gather(evaluation))`."""
    return assemble(gather(evaluation, today), with_charts=with_charts)


def file_title(evaluation):
    """The report title of a stored evaluation (the download's file name, without extension)."""
    from .choices import Timing

    return report_title(evaluation.title, evaluation.year, evaluation.timing == Timing.MID_TERM)


# --- rendering ------------------------------------------------------------------------------------------------

def render_docx(context, template_path=None):
    """The report as .docx bytes, from the bureau-editable Word template (docxtpl, Jinja tags)."""
    path = Path(template_path or TEMPLATE_PATH)
    try:
        return documents.render_docx(path, context, images=CHARTS, missing_message=_(
            "绩效评价报告模板文件不存在：%(path)s") % {"path": path})
    except documents.DocumentError as exc:
        raise ReportError(str(exc)) from exc


def render_pdf(context):
    """The report as PDF bytes (WeasyPrint; Noto CJK fonts embedded as subsets, charts as data URIs)."""
    try:
        return documents.render_pdf(PDF_TEMPLATE, context, images=CHARTS)
    except documents.DocumentError as exc:
        raise ReportError(str(exc)) from exc
