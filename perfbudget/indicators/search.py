"""Search helpers for the library: pinyin initials ("义务教育" → "yjjy") and function-code ranking."""

from pypinyin import Style, lazy_pinyin


def initials(text):
    """The pinyin initials of `text`'s Chinese characters; other letters and digits are kept, lower-cased."""
    letters = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(ch.lower() for part in letters for ch in part if ch.isalnum())[:100]


def looks_like_initials(query):
    return bool(query) and query.isascii() and query.isalpha()


def code_match_length(function_code, prefixes):
    """How specifically `prefixes` (space-separated) match a 7-digit function code: the longest prefix, or 0."""
    best = 0
    for prefix in (prefixes or "").split():
        if function_code and function_code.startswith(prefix):
            best = max(best, len(prefix))
    return best
