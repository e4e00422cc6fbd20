"""Ratings → ranking → 末位淘汰 (drop the lowest-rated), pure Python over plain rows."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BELOW_MIN = "below_min"
LOWEST_SHARE = "lowest_share"


@dataclass
class RankRow:
    """One agency or expert: average rating, number of rated jobs, rank (None: too few ratings), drop reasons."""

    id: int
    name: str
    average: Decimal | None
    jobs: int
    rank: int | None = None
    reasons: tuple = ()

    @property
    def drop(self):
        return bool(self.reasons)


def average(scores):
    """Mean of the scores to two decimals (half up), None without scores."""
    scores = [Decimal(str(s)) for s in scores]
    if not scores:
        return None
    return (sum(scores) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rank(entries, min_ratings, min_rating, drop_share):
    """Rank `entries` ({"id", "name", "scores"}) and mark the drop-the-lowest list.

    Only entries with at least `min_ratings` ratings are ranked (best first; ties share a rank). A ranked entry is
    on the drop list when its average is below `min_rating`, or when it is among the lowest
    floor(`drop_share` × ranked) — everyone tied with the last of those included, so equal averages are treated alike.
    Unranked entries follow, by name.
    """
    min_rating = Decimal(str(min_rating))
    rows = [RankRow(int(e["id"]), str(e["name"]), average(e.get("scores") or ()), len(e.get("scores") or ()))
            for e in entries]
    ranked = sorted((r for r in rows if r.jobs >= int(min_ratings)), key=lambda r: (-r.average, r.name, r.id))
    unranked = sorted((r for r in rows if r.jobs < int(min_ratings)), key=lambda r: (r.name, r.id))
    for i, r in enumerate(ranked):
        r.rank = ranked[i - 1].rank if i and ranked[i - 1].average == r.average else i + 1
    n_low = math.floor(Decimal(str(drop_share)) * len(ranked))
    cutoff = ranked[-n_low].average if n_low else None
    for r in ranked:
        reasons = []
        if r.average < min_rating:
            reasons.append(BELOW_MIN)
        if cutoff is not None and r.average <= cutoff:
            reasons.append(LOWEST_SHARE)
        r.reasons = tuple(reasons)
    return ranked + unranked
