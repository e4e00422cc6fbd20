"""Chart images of the monitoring report (PNG bytes), drawn with matplotlib's Agg backend and a CJK font.

The figure, PNG, styling and CJK font lookup are shared (perfbudget.core.documents): each chart is its own
`Figure` on an Agg canvas (no pyplot global state, safe in threads); without a Noto CJK font the charts raise
`documents.DocumentError` with a Chinese message instead of printing empty boxes.
"""

from django.utils.translation import gettext as _

from perfbudget.core.documents import chart_figure, chart_png, chart_style, percent_axis

BLUE, GREY, ORANGE, RED, YELLOW, GREEN = "#1f4e8c", "#888888", "#d97706", "#dc3545", "#f0ad4e", "#198754"


def execution_curve(curve, checkpoints):
    """Cumulative execution rate by month against time progress (and the rule set's checkpoints)."""
    with chart_style():
        fig = chart_figure()
        ax = fig.add_subplot()
        months = [p["month"] for p in curve]
        known = [(p["month"], float(p["rate"])) for p in curve if p["rate"] is not None]
        ax.plot(months, [float(p["time_progress"]) for p in curve], linestyle="--", color=GREY, label=_("序时进度"))
        if known:
            ax.plot([m for m, _r in known], [r for _m, r in known], marker="o", color=BLUE, linewidth=2,
                    label=_("累计执行率"))
            m, r = known[-1]
            ax.annotate(f"{r * 100:.1f}%", (m, r), textcoords="offset points", xytext=(0, 8), ha="center",
                        color=BLUE, fontweight="bold")
        if checkpoints:
            ax.scatter(list(checkpoints), [float(v) for v in checkpoints.values()], marker="D", color=ORANGE,
                       zorder=3, label=_("节点目标"))
        ax.set_xticks(months, [_("%(m)s月") % {"m": m} for m in months])
        top = max([1.0, *(r for _m, r in known)])
        ax.set_ylim(0, top * 1.05)
        percent_axis(ax)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", frameon=False)
        return chart_png(fig)


def department_rates(rows, time_progress, limit=15):
    """Execution rate per department (lowest first, at most `limit`) with the time-progress line."""
    rows = sorted((r for r in rows if r["rate"] is not None), key=lambda r: r["rate"])[:limit]
    with chart_style():
        fig = chart_figure(height_cm=max(5, 1.2 + 0.55 * len(rows)))
        ax = fig.add_subplot()
        names = [r["name"] or "" for r in rows][::-1]
        rates = [float(r["rate"]) for r in rows][::-1]
        colours = [RED if r < float(time_progress) else BLUE for r in rates]
        bars = ax.barh(names, rates, color=colours)
        ax.bar_label(bars, labels=[f"{r * 100:.1f}%" for r in rates], padding=2, fontsize=7)
        ax.axvline(float(time_progress), color=GREY, linestyle="--", label=_("序时进度"))
        ax.set_xlim(0, max([1.0, *rates]) * 1.1)
        percent_axis(ax, "x")
        ax.legend(loc="lower right", frameon=False)
        if not rows:
            ax.text(0.5, 0.5, _("暂无数据"), transform=ax.transAxes, ha="center", color=GREY)
        return chart_png(fig)


def warning_levels(totals, by_code):
    """Projects by warning level (left) and warnings by type, red and yellow stacked (right)."""
    with chart_style():
        fig = chart_figure(height_cm=6.5)
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.6])
        levels = [(_("红色预警"), totals["red"], RED), (_("黄色预警"), totals["yellow"], YELLOW),
                  (_("正常"), totals["green"], GREEN), (_("未扫描"), totals["unswept"], "#adb5bd")]
        levels = [lv for lv in levels if lv[1]]
        if levels:
            left.pie([lv[1] for lv in levels], labels=[f"{lv[0]}\n{lv[1]}" for lv in levels],
                     colors=[lv[2] for lv in levels], startangle=90, counterclock=False,
                     wedgeprops={"width": 0.45}, textprops={"fontsize": 7})
        left.set_title(_("项目预警等级"), fontsize=9)
        left.axis("equal")
        labels = [c["label"] for c in by_code][::-1]
        red = [c["red"] for c in by_code][::-1]
        yellow = [c["yellow"] for c in by_code][::-1]
        right.barh(labels, red, color=RED, label=_("红色"))
        right.barh(labels, yellow, left=red, color=YELLOW, label=_("黄色"))
        right.set_title(_("预警类型"), fontsize=9)
        right.xaxis.get_major_locator().set_params(integer=True)
        if by_code:
            right.legend(loc="lower right", frameon=False)
        else:
            right.text(0.5, 0.5, _("暂无预警"), transform=right.transAxes, ha="center", color=GREY)
        return chart_png(fig)
