"""Chart images of the key-evaluation report (PNG bytes): matplotlib Agg, CJK font, via core.documents.

Both charts take plain rows of Decimals (from `report.score_table`), so they are drawn the same from a hand-built
context and from a stored evaluation.
"""

from django.utils.translation import gettext as _

from perfbudget.core import documents

BLUE, GREY, ORANGE, RED, LIGHT = "#1f4e8c", "#888888", "#d97706", "#dc3545", "#c9d3e0"


def _ratio(score, weight):
    return float(score) / float(weight) if weight and score is not None else 0.0


def block_scores(blocks):
    """Weight against score per level-one block (grouped bars, score labelled), e.g. 决策 15 / 13.50.

    `blocks`: dicts with name, weight (Decimal), score (Decimal or None).
    """
    with documents.chart_style():
        fig = documents.chart_figure(height_cm=7)
        ax = fig.add_subplot()
        names = [b["name"] for b in blocks]
        positions = list(range(len(blocks)))
        weights = [float(b["weight"]) for b in blocks]
        scores = [float(b["score"] or 0) for b in blocks]
        width = 0.38
        ax.bar([p - width / 2 for p in positions], weights, width, color=LIGHT, label=_("分值"))
        bars = ax.bar([p + width / 2 for p in positions], scores, width, color=BLUE, label=_("得分"))
        ax.bar_label(bars, labels=[f"{s:.2f}" for s in scores], padding=2, fontsize=7)
        ax.set_xticks(positions, names)
        ax.set_ylim(0, max([1.0, *weights]) * 1.18)
        ax.set_ylabel(_("分"))
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper right", frameon=False, ncols=2)
        if not blocks:
            ax.text(0.5, 0.5, _("暂无数据"), transform=ax.transAxes, ha="center", color=GREY)
        return documents.chart_png(fig)


def item_completion(items):
    """得分率 (score / weight) of every level-three item, lowest at the top; below 60% red, below 100% orange.

    `items`: dicts with name, weight (Decimal), score (Decimal or None); unscored items are left out.
    """
    rows = [i for i in items if i["score"] is not None and i["weight"]]
    rows.sort(key=lambda i: (_ratio(i["score"], i["weight"]), i["name"]))
    with documents.chart_style():
        fig = documents.chart_figure(height_cm=max(5, 1.4 + 0.45 * len(rows)))
        ax = fig.add_subplot()
        names = [i["name"] for i in rows][::-1]
        ratios = [_ratio(i["score"], i["weight"]) for i in rows][::-1]
        colours = [RED if r < 0.6 else ORANGE if r < 1 else BLUE for r in ratios]
        bars = ax.barh(names, ratios, color=colours)
        ax.bar_label(bars, labels=[f"{r * 100:.1f}%" for r in ratios], padding=2, fontsize=7)
        ax.axvline(1.0, color=GREY, linestyle="--", linewidth=0.8)
        ax.set_xlim(0, 1.15)
        documents.percent_axis(ax, "x")
        ax.tick_params(axis="y", labelsize=7)
        if not rows:
            ax.text(0.5, 0.5, _("暂无评分"), transform=ax.transAxes, ha="center", color=GREY)
        return documents.chart_png(fig)
