"""The one parser for printed indicator values (指标值 / 实际完成值), shared by goal declaration, the goal
quality check, monitoring and self-evaluation scoring.

`parse_value(text)` reads a cell exactly as a unit printed it and returns a `Value`. It never raises.

Kinds (`Value.kind`):
- ``"number"``   a quantity: ``≥38公里``, ``1,200户``, ``≤48万元``, ``≤30天``. Durations are numbers whose unit is a
  time unit (天, 工作日, 小时, 分钟, 周, 个月, 年); `is_duration()` tells them apart.
- ``"percent"``  a share: ``≥95%``, ``98.5％``, ``百分之九十``, ``≤3‰``. `value` is in points of the printed unit
  (95 for 95%, 3 for 3‰) and `unit` is ``"%"`` or ``"‰"``; `as_ratio()` gives the fraction.
- ``"date"``     a date or deadline: ``2025年11月30日前`` (date 2025-11-30, op ≤), ``2023年12月底前``, ``2025年``,
  ``12月底前`` and ``当年``/``年内`` (no year printed: `date` is None and `period` keeps the month, e.g. ``--12``;
  `deadline(value, year)` resolves it with the project's year). A year named relative to the project year
  (``次年6月底前``, ``翌年3月31日前``, ``当年6月底前``) is yearless too: `word` keeps the relative word (次年) and
  `deadline()` adds its offset (`year_offset`). A period stands for its last day (``2025年`` →
  2025-12-31, ``11月底``/``11月前`` → 30 Nov, ``上旬``/``中旬`` → the 10th/20th, ``第三季度`` → 30 Sep); a cell
  with a date and another number (``2025年完成38公里``) is that number, not a date.
- ``"qualitative"`` words: ``良好``, ``达到预期``, ``明显提升``; `word` holds the cleaned wording.
- ``"empty"``    nothing usable was printed: ``""``, None, ``—``, ``/``, ``无``, ``不适用``.

Comparators (`Value.op`): ``"≥"``, ``"≤"``, ``"="``, ``">"``, ``"<"``, ``"interval"`` (`value`..`upper`), or None
when nothing was printed. Spellings read: ≥ ≧ >= ＞＝ ⩾ ≮, ≤ ≦ <= ＜＝ ⩽ ≯, > ＞, < ＜, = ＝ ═ ≈; words before
the number (不低于, 不少于, 大于等于, 至少, 达到, 不超过, 不高于, 小于等于, 控制在, 高于, 超过, 低于, 少于, 约, 为 …)
and after it (以上 → ≥, 以下/以内/内 → ≤, 左右 → =, 余/多 → >). A change verb with a number and no comparator
(``提高5%``, ``较上年下降30%``) reads as ``≥`` the change. For dates, 前/以前/底前/内/不晚于/截至 mean ``≤`` and
后/以后/不早于 mean ``≥``. One-character words (达, 为, 是, 约) count only right before the number, so the 达 of
``达标率95%`` is not a comparator.

Numbers: full-width digits, thousands separators (``1,200``, ``1，200``), decimals, a few Chinese numerals for
small counts (``两个``, ``十场以上``, ``三个月内``, ``百分之九十五``). 万/亿 rule: before a money unit (元, 美元) they
stay part of the unit (``260万元`` → 260 万元, ``1.5亿元`` → 1.5 亿元, ``48万元/公里`` → 48 万元/公里); before any
other unit or alone they multiply (``1.2万人`` → 12000 人, ``3.5万`` → 35000). A rate per a base population is one
value with its base as the unit, not two values: ``≤14.5/10万`` → 14.5 ``/10万``, ``3.2/万人`` and ``3.2每万人`` →
3.2 ``/万人``, ``5/千人`` → 5 ``/千人`` (‰ is a percent kind, see above). `base_quantity()` converts money to
元 and ‰ to % for comparisons.

Intervals: ``90%-100%``, ``90%～100%``, ``90%~100%``, ``90-100%``, ``90％至100％``, ``[90,100]``, ``【90%，100%】``,
``≥90%且≤100%``, ``介于90%与100%之间``.

`multi` marks a cell packing several values (``各10个``, ``A 5个、B 3个``, ``分别为3个和5个``); `value` is the first.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

KINDS = ("number", "percent", "date", "qualitative", "empty")
OPS = ("≥", "≤", "=", ">", "<", "interval")


@dataclass(frozen=True)
class Value:
    """A parsed printed value. See the module docstring for kinds and comparators."""

    text: str  # the original text, stripped
    kind: str  # one of KINDS
    op: str | None = None  # one of OPS, or None: no comparator printed
    value: Decimal | None = None  # the number (lower bound of an interval); None for dates and words
    upper: Decimal | None = None  # the upper bound of an interval
    unit: str = ""  # normalised unit: "%", "‰", "人次", "公里", "万元", "元", "天", "个", "" …
    date: datetime.date | None = None  # a date or deadline with a printed year ("12月底前" → None, see period)
    word: str = ""  # qualitative wording, cleaned ("良好", "明显提升"); dates: the relative word (当年); empty: 不适用…
    multi: bool = False  # the cell packs several values ("各10个", "A 5个、B 3个")
    period: str = ""  # dates: precision as printed, "2025", "2025-11", "2025-11-30", "--12" (no year) …

    def to_dict(self) -> dict:
        """JSON-ready form: numbers as int/float, the date in ISO form."""
        return {
            "kind": self.kind,
            "op": self.op,
            "value": _json_number(self.value),
            "upper": _json_number(self.upper),
            "unit": self.unit,
            "date": self.date.isoformat() if self.date else None,
            "period": self.period,
            "word": self.word,
            "multi": self.multi,
            "text": self.text,
        }


def _json_number(number):
    if number is None:
        return None
    if number.adjusted() <= 30 and number == number.to_integral_value():
        return int(number)
    result = float(number)
    return result if result not in (float("inf"), float("-inf")) else None


# --------------------------------------------------------------------------------------------------------------
# Vocabulary (data, not logic)

EMPTY_TEXTS = frozenset({"", "无", "空", "暂无", "不适用", "n/a", "na", "none", "null", "nil", "nan", "待定", "/"})
# Characters NFKC leaves alone that mean something we know.
_TRANSLATE = str.maketrans({
    "≧": "≥", "⩾": "≥", "≮": "≥", "≦": "≤", "⩽": "≤", "≯": "≤", "═": "=", "≈": "=", "≒": "=",
    "〜": "~", "∽": "~", "～": "~", "—": "-", "–": "-", "―": "-", "─": "-", "‐": "-", "‑": "-", "−": "-",
    "【": "[", "】": "]", "〔": "[", "〕": "]", "〖": "[", "〗": "]", "“": "", "”": "", "‘": "", "’": "",
    "「": "", "」": "", "『": "", "』": "", "《": "", "》": "", "\u3000": "", "。": "", "；": ";", "∶": ":",
})
# Comparator words before a number, longest first where one contains another.
PREFIX_OPS = {
    "≥": ["≥", "大于等于", "大于或等于", "不低于", "不少于", "不小于", "不下于", "不落后于", "至少", "最少", "最低",
          "达到", "达"],
    "≤": ["≤", "小于等于", "小于或等于", "不超过", "不高于", "不大于", "不多于", "不超出", "最多", "至多", "最高",
          "控制在", "控制", "压缩至", "压减至", "降至", "降低至", "下降至", "不晚于", "不迟于", "最迟", "最晚", "截至",
          "截止", "截止到", "截止至", "低于或等于"],
    ">": [">", "大于", "高于", "超过", "多于", "超出"],
    "<": ["<", "小于", "低于", "少于", "不足", "未满", "不到"],
    "=": ["=", "等于", "约为", "约", "大约", "大概", "为", "是", "保持", "维持", "确保为"],
}
DATE_PREFIX_OPS = {"≥": ["不早于", "晚于"], "≤": ["早于"]}
# A change verb before a number: the number is the least change asked for.
CHANGE_VERBS = ["提高", "提升", "增长", "增加", "增幅", "上升", "下降", "降低", "减少", "压缩", "压减", "节约", "缩短",
                "增收", "减少到"]
SUFFIX_OPS = [("及以上", "≥"), ("或以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("或以下", "≤"), ("以下", "≤"),
              ("以内", "≤"), ("之内", "≤"), ("内", "≤"), ("左右", "="), ("上下", "="), ("为宜", "=")]
DATE_SUFFIX_OPS = [("之前", "≤"), ("以前", "≤"), ("前", "≤"), ("以内", "≤"), ("之内", "≤"), ("内", "≤"),
                   ("为止", "≤"), ("止", "≤"), ("之后", "≥"), ("以后", "≥"), ("后", "≥")]
# Units: spelling → normalised. Matched longest first against what follows a number.
UNIT_ALIASES = {
    "km": "公里", "千米": "公里", "公里": "公里", "m": "米", "米": "米", "m2": "平方米", "㎡": "平方米",
    "平米": "平方米",
    "平方米": "平方米", "平方公里": "平方公里", "km2": "平方公里", "m3": "立方米", "立方米": "立方米", "立方": "立方米",
    "kg": "千克", "千克": "千克", "公斤": "千克", "t": "吨", "吨": "吨", "h": "小时", "小时": "小时", "个小时": "小时",
    "min": "分钟", "分钟": "分钟", "秒": "秒", "s": "秒", "日": "天", "天": "天", "工作日": "工作日",
    "个工作日": "工作日", "个月": "个月", "周": "周", "星期": "周", "个星期": "周", "年": "年", "季度": "季度",
    "个季度": "季度", "kw": "千瓦", "千瓦": "千瓦", "kwh": "千瓦时", "千瓦时": "千瓦时", "mw": "兆瓦", "兆瓦": "兆瓦",
    "月": "个月", "元": "元", "万元": "万元", "亿元": "亿元", "千元": "千元", "百万元": "百万元", "千万元": "千万元",
    "美元": "美元", "万美元": "万美元", "百分点": "百分点", "个百分点": "百分点",
}
# Measure words and common units kept as printed (longest first when matching).
KNOWN_UNITS = [
    "人次", "户次", "场次", "车次", "架次", "辆次", "班次", "批次", "频次", "课时", "学时", "人天", "人日", "床日",
    "人", "名", "位", "户", "家", "所", "个", "项", "次", "场", "期", "批", "座", "处", "件", "台", "套", "部", "辆",
    "艘", "条", "栋", "幢", "间", "张", "份", "种", "类", "届", "轮", "支", "队", "只", "头", "株", "棵", "亩", "公顷",
    "篇", "册", "本", "册次", "盏", "根", "块", "片", "段", "处次", "宗", "起", "例", "床", "张床", "口", "眼", "座次",
    "分", "星", "级", "倍", "公里", "米", "吨", "元", "个点", "网点", "村", "镇", "乡", "校", "班", "园", "站", "点",
    "路", "线", "宗次", "单", "笔", "件次", "万", "小时", "天", "年", "周", "秒", "分钟", "千瓦", "度",
]
TIME_UNITS = frozenset({"天", "工作日", "小时", "分钟", "秒", "周", "个月", "年", "季度"})
MONEY_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "百万元": Decimal(1000000),
                 "千万元": Decimal(10000000), "亿元": Decimal(100000000)}
# Relative periods (no year printed) → (month, day or None, op)
RELATIVE_PERIODS = [
    ("本年度内", 12, None, "≤"), ("当年度内", 12, None, "≤"), ("年度内", 12, None, "≤"), ("当年内", 12, None, "≤"),
    ("本年度", 12, None, "≤"), ("当年度", 12, None, "≤"), ("年底前", 12, None, "≤"), ("年末前", 12, None, "≤"),
    ("年内", 12, None, "≤"), ("当年", 12, None, "≤"), ("本年", 12, None, "≤"), ("年底", 12, None, "≤"),
    ("年末", 12, None, "≤"), ("年终", 12, None, "≤"), ("上半年", 6, None, "≤"), ("下半年", 12, None, "≤"),
]
# Years named relative to the project year → offset in years. With a month, quarter or half after them they
# make a yearless date ("次年6月底前"); the next-year words also stand alone ("次年", "次年底前").
RELATIVE_YEARS = {"当年": 0, "本年": 0, "今年": 0, "当年度": 0, "本年度": 0, "次年": 1, "翌年": 1, "明年": 1,
                  "第二年": 1, "下一年": 1, "下年": 1, "次年度": 1, "下一年度": 1, "下年度": 1, "翌年度": 1}
# Filler words before a qualitative wording.
FILLER_WORDS = ["确保", "力争", "争取", "预计", "计划", "预期目标为", "目标为"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万点"

# --------------------------------------------------------------------------------------------------------------
# Compiled patterns


def _alternation(words):
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_PREFIX_OP_OF = {w: op for op, words in PREFIX_OPS.items() for w in words}
_DATE_PREFIX_OP_OF = {w: op for op, words in DATE_PREFIX_OPS.items() for w in words} | {
    w: op for w, op in _PREFIX_OP_OF.items() if op in ("≥", "≤", "=")}
_RE_PREFIX_OP = re.compile(_alternation(_PREFIX_OP_OF))
_RE_DATE_PREFIX_OP = re.compile(_alternation(_DATE_PREFIX_OP_OF))
_RE_CHANGE_VERB = re.compile(_alternation(CHANGE_VERBS))
_RE_SUFFIX_OP = re.compile("^(?:" + _alternation(w for w, _ in SUFFIX_OPS) + ")")
_SUFFIX_OP_OF = dict(SUFFIX_OPS)
_RE_DATE_SUFFIX_OP = re.compile("(?:" + _alternation(w for w, _ in DATE_SUFFIX_OPS) + ")")
_DATE_SUFFIX_OP_OF = dict(DATE_SUFFIX_OPS)
_RE_SPACE = re.compile(r"\s+")
_RE_COMPARE_SPELLINGS = [(re.compile(p), r) for p, r in [
    (r">=|=>|≥=|>=|≥", "≥"), (r"<=|=<|≤=|≤", "≤"), (r"==+", "=")]]
_RE_THOUSANDS = re.compile(r"(?<![\d.\[(])\d{1,3}(?:,\d{3})+(?![\d])")
_RE_FILLER = re.compile("^(?:" + _alternation(FILLER_WORDS) + ")")
_RE_PERCENT_WORDS = re.compile(r"百分之([\d.]+|[" + _CN_NUMERAL + r"]+)")
_RE_PERMILLE_WORDS = re.compile(r"千分之([\d.]+|[" + _CN_NUMERAL + r"]+)")
_RE_CN_COUNT = re.compile(
    r"^(?P<pre>[^\d" + _CN_NUMERAL + r"]{0,6}?)(?P<num>[" + _CN_NUMERAL + r"]+)"
    r"(?P<unit>个工作日|工作日|个小时|小时|个月|公里|[个次人名户家所项场期批座处天日周年篇本台套件部辆条栋间张份种类届轮支队亩吨万])"
    r"(?P<post>以上|以下|以内|之内|内|左右|及以上|及以下)?$")
_NUM = r"\d+(?:\.\d+)?"
_MINUS_AFTER = frozenset("≥≤<>=([,:;、\x00")  # a "-" after these is a minus sign, elsewhere a range dash
_RE_NUMBER = re.compile(r"(?P<sign>-)?(?P<num>" + _NUM + r")")
_RE_BRACKET_INTERVAL = re.compile(
    r"^[\[(](?P<a>-?" + _NUM + r")(?P<ua>%|‰)?[,~、;-](?P<b>-?" + _NUM + r")(?P<ub>%|‰)?[\])](?P<unit>.*)$")
_RE_SANDWICH = re.compile(r"^[≤<][^≤<\d]{0,6}[≤<]$")
_RE_RANGE_SEP = re.compile(r"^(?:-|~|至|到|—)")
_RE_BETWEEN = re.compile(r"^(?:介于|在)?(?P<a>" + _NUM + r")(?P<ua>[^\d和与~-]*)(?:和|与|至|到|~|-)(?P<b>" + _NUM
                         + r")(?P<ub>[^\d]*?)之间$")
_RE_UNIT_RUN = re.compile(r"^(?:[A-Za-z]+[23]?|[\u4e00-\u9fff/·°])*")
_RE_ALPHA_UNIT = re.compile(r"^[A-Za-z]+[23]?")
_KNOWN_UNIT_ALTERNATION = re.compile("^(?:" + _alternation(list(UNIT_ALIASES) + KNOWN_UNITS) + ")", re.IGNORECASE)

# Dates
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_RE_DATE_FULL = re.compile(_YEAR + r"(?:年|[./-])(?P<m>\d{1,2})(?:月|[./-])(?P<d>\d{1,2})(?:日|号)?")
_RE_DATE_YM = re.compile(_YEAR + r"(?:年(?P<m>\d{1,2})月(?P<part>份|上旬|中旬|下旬|中|底|末|初)?"
                         r"|[/-](?P<m2>\d{1,2})(?=$|[前底末内止后至到~-]|月))")
_RE_DATE_MD = re.compile(r"(?<![\d.])(?P<m>\d{1,2})月(?P<d>\d{1,2})(?:日|号)")
_RE_DATE_M = re.compile(r"(?<![\d.年])(?P<m>\d{1,2})月(?P<part>份|上旬|中旬|下旬|中|底|末|初)?")
_RE_DATE_Q = re.compile(r"(?:" + _YEAR + r"年(?:度)?)?(?:第)?(?P<q>[1-4一二三四])季度(?:末|底)?")
_RE_DATE_Y = re.compile(_YEAR + r"年(?:度)?(?P<part>上半年|下半年|年底|年末|底|末|内)?")
_RE_RELATIVE = re.compile(r"(?<![\d个两一二三四五六七八九十])(?:" + _alternation(w for w, *_ in RELATIVE_PERIODS) + ")")
_RELATIVE_OF = {w: (m, d, op) for w, m, d, op in RELATIVE_PERIODS}
_RE_DATE_REL = re.compile(
    r"(?<![\d个两一二三四五六七八九十])(?P<rel>" + _alternation(RELATIVE_YEARS) + r")"
    r"(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})(?:日|号)|(?P<part>份|上旬|中旬|下旬|中|底|末|初))?"
    r"|第?(?P<q>[1-4一二三四])季度(?:末|底)?|(?P<half>上半年|下半年)|(?P<end>年底|年末|底|末|内))?")
_NEXT_YEAR_WORDS = tuple(sorted((w for w, n in RELATIVE_YEARS.items() if n), key=len, reverse=True))
# A rate per a base population ("/10万", "/万人", "每万人", "/千人"): the base is the unit.
_RE_PER_BASE = re.compile(r"^(?:/|每)(?P<n>\d*)(?P<mag>十万|百万|千万|万|千|百|亿)(?P<who>人口|人|户|名|例)?")
_QUARTER_OF = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_PART_DAY = {"上旬": 10, "中旬": 20, "中": 15, "初": 10}

# Qualitative clean-up
_RE_WORD_STRIP = re.compile(r"^[\s,.:;!?、·*#]+|[\s,.:;!?、·*#]+$")
_RE_WORD_SUFFIX_OP = re.compile(r"(?:及|或)?(以上|以下)$")
_QUAL_PREFIX_OPS = {"≥": "≥", "≤": "≤", ">": ">", "<": "<", "=": "=", "不低于": "≥", "不少于": "≥", "不劣于": "≥",
                    "不差于": "≥", "优于": ">", "高于": ">", "不高于": "≤", "不超过": "≤", "低于": "<"}
_RE_QUAL_PREFIX = re.compile("^(?:" + _alternation(_QUAL_PREFIX_OPS) + ")")


# --------------------------------------------------------------------------------------------------------------
# Public API


def parse_value(text) -> Value:
    """Read a printed value (str, number or None). Never raises: anything odd comes back qualitative or empty."""
    try:
        if text is None:
            return Value(text="", kind="empty")
        if isinstance(text, Value):
            return text
        if isinstance(text, bool):
            return _parse_text("是" if text else "否")
        if isinstance(text, (int, float, Decimal)):
            return _parse_number_input(text)
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        if not isinstance(text, str):
            text = str(text)
        return _parse_text(text[:500])
    except Exception:  # the promise is "never raises"; a parser bug must not break a page or a batch
        shown = text.strip() if isinstance(text, str) else ""
        return Value(text=shown, kind="qualitative" if shown else "empty", word=shown)


def is_quantified(value: Value | str | None) -> bool:
    """True for a measurable number (count, amount, share, duration, interval — also when the cell packs
    several, see `multi`) or a verifiable date (a yearless one included: the project's year completes it)."""
    v = _as_value(value)
    if v.kind in ("number", "percent"):
        return v.value is not None
    if v.kind == "date":
        return bool(v.date or v.period)
    return False


def is_duration(value: Value | str | None) -> bool:
    """A number measured in a time unit (≤30天, 3个月内, ≥30年)."""
    v = _as_value(value)
    return v.kind == "number" and v.unit in TIME_UNITS


def as_ratio(value: Value | str | None) -> Decimal | None:
    """A percent value as a fraction (95% → 0.95, 3‰ → 0.003); None for other kinds."""
    v = _as_value(value)
    if v.kind != "percent" or v.value is None:
        return None
    return v.value / (Decimal(1000) if v.unit == "‰" else Decimal(100))


def base_quantity(value: Value | str | None) -> tuple[Decimal, Decimal | None, str] | None:
    """(value, upper, unit) in a comparable base: money in 元, ‰ in %; None when there is no number."""
    v = _as_value(value)
    if v.kind not in ("number", "percent") or v.value is None:
        return None
    factor, unit = Decimal(1), v.unit
    if v.unit in MONEY_FACTORS:
        factor, unit = MONEY_FACTORS[v.unit], "元"
    elif v.unit == "‰":
        factor, unit = Decimal("0.1"), "%"
    upper = v.upper * factor if v.upper is not None else None
    return v.value * factor, upper, unit


def same_target(a: Value | str | None, b: Value | str | None) -> bool:
    """Whether two printed targets ask for the same thing (spelling, full width, 万元 vs 元 aside)."""
    va, vb = _as_value(a), _as_value(b)
    if va.kind != vb.kind or va.multi != vb.multi:
        return False
    if va.kind == "empty":
        return True
    if va.kind in ("number", "percent"):
        qa, qb = base_quantity(va), base_quantity(vb)
        if qa is None or qb is None:
            return qa is qb and va.word == vb.word
        return va.op == vb.op and qa == qb
    if va.kind == "date":
        return (va.op == vb.op and va.date == vb.date and va.period == vb.period
                and year_offset(va.word) == year_offset(vb.word))
    return va.op == vb.op and va.word == vb.word


def deadline(value: Value | str | None, year: int | None = None) -> datetime.date | None:
    """The date of a date value; a yearless one ("12月底前", "当年") is resolved in `year`, one in a relative year
    ("次年6月底前") in the year after it."""
    v = _as_value(value)
    if v.kind != "date":
        return None
    if v.date is not None:
        return v.date
    if year is None or not v.period.startswith("--"):
        return None
    try:
        parts = [int(p) for p in v.period[2:].split("-")]
        month = parts[0]
        year = int(year) + year_offset(v.word)
        day = parts[1] if len(parts) > 1 else calendar.monthrange(year, month)[1]
        return datetime.date(year, month, day)
    except (ValueError, TypeError, IndexError):
        return None


# --------------------------------------------------------------------------------------------------------------
# Parsing


def _as_value(value):
    return value if isinstance(value, Value) else parse_value(value)


def _parse_number_input(number):
    try:
        d = Decimal(str(number))
    except InvalidOperation:
        return Value(text=str(number), kind="empty")
    if not d.is_finite():
        return Value(text=str(number), kind="empty")
    return Value(text=str(number), kind="number", value=_tidy(d))


def _tidy(d):
    """12000.0 → 12000, keep the printed decimals otherwise."""
    if d.adjusted() <= 30 and d == d.to_integral_value():
        return Decimal(int(d))
    return d


def _normalise(text):
    t = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    t = _RE_SPACE.sub("", t)
    for pattern, repl in _RE_COMPARE_SPELLINGS:
        t = pattern.sub(repl, t)
    return t


@lru_cache(maxsize=8192)
def _parse_text(raw: str) -> Value:
    text = raw.strip()
    t = _normalise(text)
    if t.lower() in EMPTY_TEXTS or not t.strip("-_/\\.·…*?？~"):
        return Value(text=text, kind="empty", word=t if any(c.isalpha() for c in t) else "")
    t = t.replace("(含)", "").replace("(含本数)", "")
    # 百分之九十五 → 95%, 千分之三 → 3‰
    t = _RE_PERCENT_WORDS.sub(lambda m: _cn_or_arabic(m.group(1)) + "%", t)
    t = _RE_PERMILLE_WORDS.sub(lambda m: _cn_or_arabic(m.group(1)) + "‰", t)
    if not any(c.isdigit() for c in t):
        m = _RE_CN_COUNT.match(t)
        if m and (not m.group("pre") or _RE_PREFIX_OP.fullmatch(m.group("pre"))):
            number = _cn_to_number(m.group("num"))
            if number is not None:
                t = f"{m.group('pre')}{number}{m.group('unit')}{m.group('post') or ''}"
    dated, masked = _parse_date(text, t)
    if dated is not None:
        return dated
    if not any(c.isdigit() for c in masked):
        return _qualitative(text, t)
    masked = _RE_THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), masked)
    return _parse_quantity(text, masked)


def _cn_or_arabic(s):
    if s[0].isdigit():
        return s
    n = _cn_to_number(s)
    return s if n is None else str(n)


def _cn_to_number(s):
    """Small Chinese numerals: 十 → 10, 二十五 → 25, 一百零五 → 105, 两千 → 2000, 三万 → 30000, 九十五点五."""
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = _cn_to_number(whole) if whole else 0
        if w is None or not frac or any(c not in _CN_DIGITS for c in frac):
            return None
        return Decimal(f"{w}.{''.join(str(_CN_DIGITS[c]) for c in frac)}")
    if s and all(c in _CN_DIGITS for c in s) and len(s) > 1:  # 二〇二五
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        elif c == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    result = total + section + (digit or 0)
    return result if s else None


# ---- dates


def _month_end(year, month):
    return calendar.monthrange(year, month)[1]


def _date_op(t, span):
    """The comparator of a date: a prefix word (不晚于, 截至, ≤) before the span or a suffix (前, 内, 后) after it."""
    before, after = t[:span[0]], t[span[1]:]
    op = None
    found = list(_RE_DATE_PREFIX_OP.finditer(before))
    if found:
        op = _DATE_PREFIX_OP_OF[found[-1].group(0)]
        if op == "=":
            op = None
    m = _RE_DATE_SUFFIX_OP.search(after)
    if m and m.start() <= 3 and op is None:
        op = _DATE_SUFFIX_OP_OF[m.group(0)]
    return op


def _parse_date(text, t):
    """(a date Value, t) when the cell is a date or deadline holding no other number; else (None, t with any
    date spans blanked out)."""
    hits = []  # (span, date, period, word, the comparator when none is printed)
    taken = [False] * len(t)

    def free(m):
        return not any(taken[m.start():m.end()])

    def take(m, date, period, word="", op=None):
        for i in range(m.start(), m.end()):
            taken[i] = True
        hits.append(((m.start(), m.end()), date, period, word, op))

    for m in _RE_DATE_FULL.finditer(t):
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if 1 <= mo <= 12 and 1 <= d <= _month_end(y, mo):
            take(m, datetime.date(y, mo, d), f"{y:04d}-{mo:02d}-{d:02d}")
    for m in _RE_DATE_YM.finditer(t):
        if not free(m):
            continue
        y, mo = int(m.group("y")), int(m.group("m") or m.group("m2"))
        if not 1 <= mo <= 12:
            continue
        day = _PART_DAY.get(m.group("part") or "")
        date = datetime.date(y, mo, day or _month_end(y, mo))
        take(m, date, f"{y:04d}-{mo:02d}" + (f"-{day:02d}" if day else ""))
    for m in _RE_DATE_REL.finditer(t):
        if free(m):
            _take_relative(m, take)
    for m in _RE_DATE_Q.finditer(t):
        if not free(m):
            continue
        q = _QUARTER_OF[m.group("q")]
        mo = q * 3
        if m.group("y"):
            y = int(m.group("y"))
            take(m, datetime.date(y, mo, _month_end(y, mo)), f"{y:04d}-{mo:02d}")
        else:
            take(m, None, f"--{mo:02d}")
    for m in _RE_DATE_MD.finditer(t):
        if not free(m):
            continue
        mo, d = int(m.group("m")), int(m.group("d"))
        if 1 <= mo <= 12 and 1 <= d <= _month_end(2024, mo):
            take(m, None, f"--{mo:02d}-{d:02d}")
    for m in _RE_DATE_M.finditer(t):
        if not free(m):
            continue
        mo = int(m.group("m"))
        if 1 <= mo <= 12:
            day = _PART_DAY.get(m.group("part") or "")
            take(m, None, f"--{mo:02d}" + (f"-{day:02d}" if day else ""))
    for m in _RE_DATE_Y.finditer(t):
        if not free(m):
            continue
        y = int(m.group("y"))
        part = m.group("part") or ""
        mo = 6 if part == "上半年" else 12
        take(m, datetime.date(y, mo, _month_end(y, mo)), f"{y:04d}" if mo == 12 else f"{y:04d}-{mo:02d}")
    for m in _RE_RELATIVE.finditer(t):
        if not free(m):
            continue
        mo, _d, op = _RELATIVE_OF[m.group(0)]
        take(m, None, f"--{mo:02d}", m.group(0), op)
    if not hits:
        return None, t
    rest = "".join(c for c, used in zip(t, taken, strict=True) if not used)
    if any(c.isdigit() for c in rest):
        # another number: a quantity with a date around it ("2025年改造38公里"); hide the date from it
        return None, "".join("\x00" if used else c for c, used in zip(t, taken, strict=True))
    hits.sort(key=lambda h: h[0][0])
    span, date, period, word, default_op = hits[-1]  # of several dates, the last printed is the deadline
    if len(hits) > 1:
        op = "interval"
        if date is None and period.startswith("--"):
            year = next((h[1].year for h in hits if h[1] is not None), None)
            if year:
                date = deadline(Value(text="", kind="date", period=period, word=word), year)
                period = f"{date.year:04d}{period[1:]}" if date else period
                word = "" if date else word
    else:
        op = _date_op(t, span) or default_op
    return Value(text=text, kind="date", op=op, date=date, period=period, word=word), t


def _take_relative(m, take):
    """A date in a year named relative to the project's ("次年6月底前", "当年第三季度", "次年底"): yearless, the
    relative word kept as `word`. A bare 当年/本年度 is left to RELATIVE_PERIODS."""
    rel = m.group("rel")
    if m.group("m"):
        mo = int(m.group("m"))
        if not 1 <= mo <= 12:
            return
        if m.group("d"):
            d = int(m.group("d"))
            if not 1 <= d <= _month_end(2024, mo):
                return
            take(m, None, f"--{mo:02d}-{d:02d}", rel)
        else:
            day = _PART_DAY.get(m.group("part") or "")
            take(m, None, f"--{mo:02d}" + (f"-{day:02d}" if day else ""), rel)
    elif m.group("q"):
        take(m, None, f"--{_QUARTER_OF[m.group('q')] * 3:02d}", rel)
    elif m.group("half"):
        take(m, None, "--06" if m.group("half") == "上半年" else "--12", rel, "≤")
    elif RELATIVE_YEARS[rel]:  # 次年, 次年底, 翌年内: by the end of that year
        take(m, None, "--12", rel, "≤")


def year_offset(word: str) -> int:
    """Years between the project year and a relative date's year: 1 for 次年/翌年/下一年度…, else 0."""
    return 1 if word and word.startswith(_NEXT_YEAR_WORDS) else 0


# ---- quantities


def _read_number(t, pos):
    """Parse a number at `pos` with its multiplier, unit and trailing words; returns a dict or None."""
    m = _RE_NUMBER.match(t, pos)
    if not m:
        return None
    number = Decimal(m.group("num"))
    end = m.end()
    extra_op = None
    if t.startswith(("余", "多"), end):
        extra_op = ">"
        end += 1
    unit = ""
    kind = "number"
    rest = t[end:]
    if rest.startswith("%"):
        unit, kind, end = "%", "percent", end + 1
    elif rest.startswith("‰"):
        unit, kind, end = "‰", "percent", end + 1
    elif per := _RE_PER_BASE.match(rest):
        who = "人" if per.group("who") == "人口" else per.group("who") or ""
        unit, end = f"/{per.group('n')}{per.group('mag')}{who}", end + per.end()
    else:
        mult = None
        if rest[:1] in ("万", "亿"):
            after = rest[1:]
            if after.startswith(("元", "美元")):
                pass  # a money unit: 万元, 亿元, 万美元 stay units
            else:
                mult = rest[0]
        if mult:
            number *= Decimal(10000) if mult == "万" else Decimal(100000000)
            end += 1
            rest = t[end:]
            if rest.startswith(("余", "多")) and extra_op is None:
                extra_op = ">"
                end += 1
                rest = t[end:]
        unit, used = _read_unit(rest)
        end += used
        if unit in ("%", "‰"):
            kind = "percent"
    sign = -1 if m.group("sign") and (m.start() == 0 or t[m.start() - 1] in _MINUS_AFTER) else 1
    if sign < 0:
        number = -number
    start = m.start() if sign < 0 else m.start("num")
    return {"value": _tidy(number), "unit": unit, "kind": kind, "start": start, "end": end, "op": extra_op}


def _read_unit(rest):
    """The unit at the start of `rest` and how many characters it used (suffix words such as 以上 excluded)."""
    if not rest:
        return "", 0
    run = _RE_UNIT_RUN.match(rest).group(0)
    if not run:
        return "", 0
    # Cut the run before a suffix comparator or a range separator word.
    for i in range(len(run)):
        if _RE_SUFFIX_OP.match(run, i) or run.startswith(("至", "到", "和", "与", "及", "或", "且", "并", "之间"), i):
            if i == 0:
                return "", 0
            run = run[:i]
            break
    parts, pos = [], 0
    for idx, piece in enumerate(run.split("/")):
        if idx:
            if not piece:
                break
            pos += 1  # the "/"
        m = _KNOWN_UNIT_ALTERNATION.match(piece)
        if m:
            spelled = m.group(0)
            parts.append(UNIT_ALIASES.get(spelled.lower(), UNIT_ALIASES.get(spelled, spelled)))
        else:
            alpha = _RE_ALPHA_UNIT.match(piece)
            spelled = alpha.group(0) if alpha else (piece if len(piece) <= 3 else piece[:1])
            parts.append(spelled.lower() if alpha else spelled)
        pos += len(spelled)
        if len(spelled) < len(piece):
            break  # "所学校": the unit is 所, the rest is a noun
    unit = "/".join(parts)
    return ("天" if unit == "日" else unit), pos


def _prefix_op(before):
    """The comparator printed before the main number (the last comparator word wins)."""
    for m in reversed(list(_RE_PREFIX_OP.finditer(before))):
        word = m.group(0)
        # one-character words (达, 为, 是, 约, 控制…) count only right before the number: not in "达标率95%"
        if len(word) == 1 and word not in "≥≤><=" and m.end() != len(before):
            continue
        return _PREFIX_OP_OF[word], m.end()
    if _RE_CHANGE_VERB.search(before):
        return "≥", None
    return None, None


def _suffix_op(after):
    m = _RE_SUFFIX_OP.match(after)
    return (_SUFFIX_OP_OF[m.group(0)], m.end()) if m else (None, 0)


def _units_agree(a, b):
    return not a["unit"] or not b["unit"] or a["unit"] == b["unit"]


def _merge_units(a, b):
    """Interval units: "90-100%" shares the right side's unit."""
    ua, ub = a["unit"], b["unit"]
    unit = ub or ua
    kind = "percent" if unit in ("%", "‰") else "number"
    return unit, kind


def _parse_quantity(text, t):
    bracket = _RE_BRACKET_INTERVAL.match(t)
    if bracket:
        lo, hi = Decimal(bracket.group("a")), Decimal(bracket.group("b"))
        unit = bracket.group("ub") or bracket.group("ua") or ""
        tail = bracket.group("unit")
        if not unit:
            unit = tail[0] if tail[:1] in ("%", "‰") else _read_unit(tail)[0]
        kind = "percent" if unit in ("%", "‰") else "number"
        lo, hi = min(lo, hi), max(lo, hi)
        return Value(text=text, kind=kind, op="interval", value=_tidy(lo), upper=_tidy(hi), unit=unit)
    between = _RE_BETWEEN.search(t)
    if between:
        a = _read_number(t, between.start("a"))
        b = _read_number(t, between.start("b"))
        if a and b:
            unit, kind = _merge_units(a, b)
            lo, hi = min(a["value"], b["value"]), max(a["value"], b["value"])
            return Value(text=text, kind=kind, op="interval", value=lo, upper=hi, unit=unit)
    numbers = []
    pos = 0
    while True:
        m = _RE_NUMBER.search(t, pos)
        if not m:
            break
        n = _read_number(t, m.start())
        numbers.append(n)
        pos = max(n["end"], m.end())
    if not numbers:
        return _qualitative(text, t)
    first = numbers[0]
    op, _ = _prefix_op(t[:first["start"]])
    if op is None and first["op"]:
        op = first["op"]
    after = t[first["end"]:]
    suffix, used = _suffix_op(after)
    if op is None:
        op = suffix
    unit, kind, value, upper = first["unit"], first["kind"], first["value"], None
    consumed = 1
    if len(numbers) > 1:
        second = numbers[1]
        between_text = t[first["end"] + used:second["start"]]
        if not _units_agree(first, second):
            pass  # "≤3天，≥2次": two values, not a range
        elif _RE_RANGE_SEP.match(between_text) and len(between_text) <= 2:
            unit, kind = _merge_units(first, second)
            value, upper, op, consumed = first["value"], second["value"], "interval", 2
        else:
            second_op, _ = _prefix_op(between_text)
            if second_op is None:
                second_op, _ = _suffix_op(t[second["end"]:])
            if op is None and _RE_SANDWICH.match(between_text):
                second_op, op = "≤", "≥"  # 90%≤x≤100%
            if op in ("≥", ">") and second_op in ("≤", "<") and second["value"] >= first["value"]:
                unit, kind = _merge_units(first, second)
                value, upper, op, consumed = first["value"], second["value"], "interval", 2
            elif op in ("≤", "<") and second_op in ("≥", ">") and second["value"] <= first["value"]:
                unit, kind = _merge_units(second, first)
                value, upper, op, consumed = second["value"], first["value"], "interval", 2
    if op == "interval" and upper is not None and upper < value:
        value, upper = upper, value
    multi = len(numbers) > consumed or "各" in t[:first["start"] + 1] or "分别" in t
    return Value(text=text, kind=kind, op=op, value=value, upper=upper, unit=unit, multi=multi)


# ---- words


def _qualitative(text, t):
    word = _RE_FILLER.sub("", t) or t
    op = None
    m = _RE_QUAL_PREFIX.match(word)
    if m and len(word) > m.end():
        op = _QUAL_PREFIX_OPS[m.group(0)]
        word = word[m.end():]
    m = _RE_WORD_SUFFIX_OP.search(word)
    if m and m.start() > 0:
        op = op or ("≥" if m.group(1) == "以上" else "≤")
        word = word[:m.start()]
    word = _RE_WORD_STRIP.sub("", word) or _RE_WORD_STRIP.sub("", t) or t
    return Value(text=text, kind="qualitative", op=op, word=word)
