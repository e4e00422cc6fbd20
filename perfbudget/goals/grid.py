"""Reading the editable grid of the goal page: rows posted as rows-<key>-<field>, in document order."""

import re

from .rows import FIELDS

ROW_KEY = re.compile(r"^rows-([\w]+)-name$")


def rows_from_post(post):
    """[row dict] in the order the rows were posted (reordering on the page reorders the form fields)."""
    keys = [m.group(1) for m in (ROW_KEY.match(k) for k in post.keys()) if m]
    return [{f: post.get(f"rows-{key}-{f}", "") for f in FIELDS} for key in keys]


def reasons_from_post(post):
    """{finding key: reason} posted as reason-<code>:<index>."""
    return {k[len("reason-"):]: v for k, v in post.items() if k.startswith("reason-")}


def header_from_post(post):
    header = {f: post.get(f, "") for f in ("overall_goal", "annual_goal", "change_reason", "addition_amount")
              if f in post}
    reasons = reasons_from_post(post)
    if reasons:  # the grid posts none: saving it keeps the reasons given at submission
        header["warning_reasons"] = reasons
    return header
