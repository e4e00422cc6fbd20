"""Chart images of the monitoring report (PNG bytes), drawn with matplotlib's Agg backend and a CJK font.

No pyplot (no global state, safe in threads): each chart is its own `Figure` on an Agg canvas. The font is
looked up among the system's Noto CJK faces (Debian `fonts-noto-cjk`); without one the charts would print
empty boxes, so we refuse with a Chinese message instead.
"""

import io
from functools import lru_cache

from django.utils.translation import gettext as _

PREFERRED = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Sans CJK TC", "Noto Serif CJK TC",
             "Noto Sans CJK JP", "Noto Serif CJK JP")
DPI = 150
BLUE, GREY, ORANGE, RED, YELLOW, GREEN = "#1f4e8c", "#888888", "#d97706", "#dc3545", "#f0ad4e", "#198754"


class ChartError(RuntimeError):
    """Charts cannot be drawn (message in Chinese)."""


@lru_cache(maxsize=1)
def cjk_font_name():
    """The family name of an installed Noto CJK font matplotlib can use, or ChartError."""
    from matplotlib import font_manager

    name = _cjk_name({f.name for f in font_manager.fontManager.ttflist})
    if name is None:
        # matplotlib keeps its font list in a cache file; fonts installed after it was written are not in it
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        name = _cjk_name({f.name for f in font_manager.fontManager.ttflist})
    if name is not None:
        return name
    raise ChartError(_("未找到中文字体（Noto Sans CJK 或 Noto Serif CJK），无法生成报告图表。"
                       "请系统管理员安装 fonts-noto-cjk（见 scripts/ensure_browser.sh）后重试。"))


def _cjk_name(names):
    for name in PREFERRED:
        if name in names:
            return name
    return next((n for n in sorted(names) if n.startswith(("Noto Sans CJK", "Noto Serif CJK")) and "Mono" not in n),
                None)


def _figure(width_cm=16, height_cm=7):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig):
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _style():
    import matplotlib

    return matplotlib.rc_context({"font.family": [cjk_font_name()], "axes.unicode_minus": False,
                                  "font.size": 8, "axes.spines.top": False, "axes.spines.right": False})


def _percent_axis(ax, axis="y"):
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0, decimals=0))


def execution_curve(curve, checkpoints):
    """Cumulative execution rate by month against time progress (and the rule set's checkpoints)."""
    with _style():
        fig = _figure()
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
        _percent_axis(ax)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", frameon=False)
        return _png(fig)


def department_rates(rows, time_progress, limit=15):
    """Execution rate per department (lowest first, at most `limit`) with the time-progress line."""
    rows = sorted((r for r in rows if r["rate"] is not None), key=lambda r: r["rate"])[:limit]
    with _style():
        fig = _figure(height_cm=max(5, 1.2 + 0.55 * len(rows)))
        ax = fig.add_subplot()
        names = [r["name"] or "" for r in rows][::-1]
        rates = [float(r["rate"]) for r in rows][::-1]
        colours = [RED if r < float(time_progress) else BLUE for r in rates]
        bars = ax.barh(names, rates, color=colours)
        ax.bar_label(bars, labels=[f"{r * 100:.1f}%" for r in rates], padding=2, fontsize=7)
        ax.axvline(float(time_progress), color=GREY, linestyle="--", label=_("序时进度"))
        ax.set_xlim(0, max([1.0, *rates]) * 1.1)
        _percent_axis(ax, "x")
        ax.legend(loc="lower right", frameon=False)
        if not rows:
            ax.text(0.5, 0.5, _("暂无数据"), transform=ax.transAxes, ha="center", color=GREY)
        return _png(fig)


def warning_levels(totals, by_code):
    """Projects by warning level (left) and warnings by type, red and yellow stacked (right)."""
    with _style():
        fig = _figure(height_cm=6.5)
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
        return _png(fig)
