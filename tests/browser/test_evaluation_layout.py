"""At a 1366 × 900 window (the `page` fixture's) no key-evaluation or draw page scrolls sideways: the 64-character
hashes and the seed wrap, wide tables (the framework's criteria, the score table with every evaluator's column and
long evidence) scroll inside their own box, and long unbroken values wrap. Measured on the real pages with the
demo region's data plus a key evaluation scored by an agency and two experts (`key_evaluation_on_demo`)."""

from perfbudget.keyevals import services
from perfbudget.keyevals.models import KeyEvaluation

from .demo_helpers import login, logout
from .evaluation_helpers import key_evaluation_on_demo

WIDTH = 1366
# Unbroken text as people paste it: a file number run together with a link, with no place to break a line.
UNBROKEN = "吴财绩〔2025〕18号附件：https://czj.wuzhong.gov.cn/xxgk/zfxxgkml/yjsgk/2025/evaluation-" + "0" * 70
EVIDENCE = "查阅项目立项批复、资金拨付凭证、验收报告并现场核实设备安装情况，资料编号" + UNBROKEN
REASON = "现场核查发现部分食堂设备尚未安装调试，实际完成约六成，" + UNBROKEN


def _scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def _too_wide(page):
    """The elements reaching past the window's right edge (the outermost few), to say what overflows."""
    return page.evaluate("""(limit) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > limit + 1)
        .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= limit + 1)
        .slice(0, 5).map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')} `
                              + `${Math.round(e.getBoundingClientRect().right)}px`)""", WIDTH)


def _spilling_tables(page):
    """Tables wider than the box they sit in, where that box does not scroll them (they run over their
    neighbours even when the page itself keeps its width)."""
    return page.evaluate("""() => [...document.querySelectorAll('table')].filter(t => {
        const box = t.parentElement;
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) return false;
        return t.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
    }).map(t => `table#${t.id} ${Math.round(t.getBoundingClientRect().width)}px in `
                + `${Math.round(t.parentElement.getBoundingClientRect().width)}px`)""")


def _check(page, screenshot, url, name, wait_for):
    page.goto(url)
    page.wait_for_selector(wait_for)
    screenshot(f"layout-{name}")
    width = _scroll_width(page)
    assert width <= WIDTH, f"{name} ({url}) is {width}px wide: {_too_wide(page)}"
    assert _spilling_tables(page) == [], name
    return width


def _scores(evaluation, low=None):
    """Every item at full marks with long evidence; `low` = (code, score) with a long reason."""
    rows = {}
    for leaf in evaluation.leaves:
        row = {"score": str(leaf.weight), "evidence": EVIDENCE}
        if low and leaf.code == low[0]:
            row.update(score=low[1], reason=REASON)
        rows[leaf.code] = row
    return rows


def test_key_evaluation_and_draw_pages_fit_a_1366px_window(page, demo, screenshot):
    world = key_evaluation_on_demo("乡镇卫生院医疗设备更新", "DEMO-2025-KE9")
    ev = world.evaluation
    services.assign(world.perf, ev)
    ev = KeyEvaluation.objects.get(pk=ev.pk)
    agency_column = ev.evaluators.get(kind="agency")
    services.save_scores(world.agency_user, ev, _scores(ev), evaluator_id=agency_column.pk)
    services.submit_scores(world.agency_user, ev, evaluator_id=agency_column.pk)
    first, second = (ev.evaluators.get(kind="expert", user=u) for u in world.expert_users)
    services.save_scores(world.expert_users[0], ev, _scores(ev), evaluator_id=first.pk)
    services.submit_scores(world.expert_users[0], ev, evaluator_id=first.pk)
    low = ev.leaves[-1]
    services.save_scores(world.expert_users[1], ev, _scores(ev, low=(low.code, "0")), evaluator_id=second.pk)

    # The second expert's own form, with long evidence and the far-off row marked, before submitting.
    login(page, world.expert_users[1].username)
    _check(page, screenshot, f"/key-evaluations/{ev.pk}/score/?evaluator={second.pk}", "score-form", "#score-form")
    services.submit_scores(world.expert_users[1], ev, evaluator_id=second.pk)
    _check(page, screenshot, f"/key-evaluations/{ev.pk}/score/?evaluator={second.pk}", "score-submitted",
           "#score-submitted")
    logout(page)

    # The office: the list, the evaluation in review with three columns side by side, findings and the report text.
    services.add_finding(world.perf, ev, "funds", "资金拨付滞后，" + UNBROKEN, amount="50000", item_code=low.code)
    services.add_recommendation(world.perf, ev, "加快资金拨付进度，" + UNBROKEN, addressee="吴忠市卫生健康委员会")
    services.save_report(world.perf, ev, {"background": "项目概况：" + UNBROKEN, "conclusion": "综合评价为优。"})
    login(page, world.perf.username)
    widths = {
        "list": _check(page, screenshot, "/key-evaluations/", "list", "#keyeval-table"),
        "detail": _check(page, screenshot, f"/key-evaluations/{ev.pk}/", "detail", "#score-table"),
        "frameworks": _check(page, screenshot, "/key-evaluations/frameworks/", "frameworks", "#framework-table"),
        "framework": _check(page, screenshot, f"/key-evaluations/frameworks/{ev.framework_id}/", "framework",
                            "#framework-items"),
        "draws": _check(page, screenshot, "/pools/draws/", "draws", "#draw-table"),
        "draw": _check(page, screenshot, f"/pools/draws/{ev.expert_draw_id}/?verify=1", "draw", "#verification"),
    }
    # The score table still shows every column (it scrolls inside its box when it must, the page does not).
    headers = page.locator("#candidates thead th").all_inner_texts()
    assert "排除理由" in headers
    page.goto(f"/key-evaluations/{ev.pk}/")
    headers = page.locator("#score-table thead th").all_inner_texts()
    assert world.agency.name in headers and "平均分" in headers and len(headers) == 4 + 3 + 1
    # The hashes are whole on the page, only wrapped.
    page.goto(f"/pools/draws/{ev.expert_draw_id}/")
    assert page.inner_text("#inputs-hash").replace("\n", "").strip() == ev.expert_draw.inputs_hash
    assert all(w <= WIDTH for w in widths.values()), widths
