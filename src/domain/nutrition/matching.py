"""Which catalogue food a name means, and how sure we are.

The ranking prefers what a person most likely ate when they name a food: a generic,
whole food (Foundation or SR Legacy over FNDDS over branded), described briefly, raw or
plain rather than juiced, canned or in a pie, with its nutrients measured. Each candidate
gets a confidence in [0, 1]; the order is total and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from domain.nutrition.food import DataType, Food, Portion
from domain.nutrition.text import group_tokens, head_tokens, tokens

# Words that describe a plain, whole food: they neither add nor cost anything.
NEUTRAL = frozenset({
    "raw", "fresh", "whole", "plain", "regular", "all", "commercial", "varieties", "prepared",
    "unprepared", "ripe", "uncooked", "unenriched", "enriched", "mature", "seed", "average",
})
# Words that turn a whole food into something else; they cost more than other extra words.
PROCESSED = frozenset({
    "juice", "sauce", "dried", "dehydrated", "canned", "frozen", "candied", "pie", "cake",
    "chip", "powder", "baby", "babyfood", "fried", "syrup", "pudding", "nectar", "flavored",
    "sweetened", "concentrate", "restaurant", "salad", "casserole", "soup", "drink",
    "substitute", "creamer", "bar", "mix", "smoothie", "filling", "cereal", "formula",
    "dessert", "topping", "spread", "imitation", "reduced", "fat", "free", "sugar", "low",
    "instant", "decaffeinated", "cookie", "muffin", "bread", "strudel", "fritter", "crisp",
    "cobbler", "turnover", "dumpling", "jam", "jelly", "preserve", "butter", "liqueur",
    "wine", "vinegar", "oil", "extract", "supplement", "shake",
})
WHOLE = frozenset({"raw", "fresh", "whole", "plain"})

# A prefix-only hit ("apple" in "applesauce") counts for this much of a word.
_PREFIX_CREDIT = 0.3
_EXTRA_COST = 0.12
_PROCESSED_COST = 0.35
_WHOLE_BONUS = 1.05


@dataclass(frozen=True, slots=True)
class FoodMatch:
    food: Food
    confidence: float


def _coverage(query: Sequence[str], words: set[str]) -> float:
    credit = 0.0
    for q in query:
        if q in words:
            credit += 1.0
        elif any(w.startswith(q) or (q.startswith(w) and len(w) >= 3) for w in words):
            credit += _PREFIX_CREDIT
    return credit / len(query)


def _looks_like_brand(name: str) -> bool:
    """SR Legacy keeps restaurant items as ``APPLEBEE'S, chili`` or ``McDONALD'S, fries``:
    a head in (nearly) all capitals."""
    head = name.split(",", 1)[0]
    letters = [c for c in head if c.isalpha()]
    return len(letters) > 3 and sum(c.isupper() for c in letters) >= 0.75 * len(letters)


def _is_unspecified(name: str) -> bool:
    """FNDDS marks its generic entries ``NFS`` (not further specified) or ``NS as to ...``."""
    return ", NFS" in name or ", NS as to" in name


@dataclass(frozen=True, slots=True)
class _NameProfile:
    """What the ranking needs to know about a description, computed once per name."""

    words: tuple[str, ...]
    word_set: frozenset[str]
    head: frozenset[str]
    group: frozenset[str]
    brand_like: bool
    whole: bool


@lru_cache(maxsize=131_072)
def _profile(name: str) -> _NameProfile:
    words = tuple(tokens(name))
    word_set = frozenset(words)
    return _NameProfile(words=words, word_set=word_set, head=frozenset(head_tokens(name)),
                        group=frozenset(group_tokens(name)), brand_like=_looks_like_brand(name),
                        whole=bool(word_set & WHOLE) or _is_unspecified(name))


def score(query: Sequence[str], food: Food) -> float:
    """Confidence (0-1) that ``food`` is what the normalised query words name."""
    if not query:
        return 0.0
    name = _profile(food.name)
    coverage = _coverage(query, name.word_set)
    if coverage == 0.0:
        return 0.0
    q = set(query)
    head = name.head
    head_fit = len(q & head) / len(q | head) if head else 0.0
    extra = [w for w in name.words if w not in q and w not in NEUTRAL and w not in name.group]
    processed = sum(1 for w in extra if w in PROCESSED)
    plain = len(extra) - processed
    specificity = 1.0 / (1.0 + _EXTRA_COST * plain + _PROCESSED_COST * processed)

    prior = food.data_type.prior
    if food.data_type.is_generic and name.brand_like:
        prior = DataType.BRANDED.prior
    per_100g = food.per_100g
    completeness = 0.7 + 0.3 * per_100g.known_macros / 6
    if per_100g.calories is None:
        completeness *= 0.6
    value = prior * coverage**1.5 * (0.6 + 0.4 * head_fit) * specificity * completeness
    if name.whole and not (q & PROCESSED):
        value *= _WHOLE_BONUS
    return max(0.0, min(1.0, value))


def _order_key(match: FoodMatch) -> tuple[float, int, int, str, int]:
    food = match.food
    return (-match.confidence, food.data_type.rank, len(food.name), food.name, food.id)


def rank(query: str, candidates: Iterable[Food]) -> list[FoodMatch]:
    """Candidates that match ``query`` at all, best first."""
    words = tokens(query)
    matches = []
    seen: set[int] = set()
    for food in candidates:
        if food.id in seen:
            continue
        seen.add(food.id)
        confidence = score(words, food)
        if confidence > 0.0:
            matches.append(FoodMatch(food, round(confidence, 4)))
    matches.sort(key=_order_key)
    return matches


class PortionSource(StrEnum):
    OWN = "own"          # the matched food's own USDA portion
    SIMILAR = "similar"  # a USDA portion of a closely related food (same head word)
    DEFAULT = "default"  # nothing to go on: 100 g
    GIVEN = "given"      # the caller said how much


@dataclass(frozen=True, slots=True)
class PortionChoice:
    grams: float
    name: str | None
    source: PortionSource


DEFAULT_PORTION_GRAMS = 100.0


def default_portion(best: Food, ranked: Sequence[FoodMatch]) -> PortionChoice:
    """A typical serving of ``best`` from USDA portion weights.

    The food's own USDA portion comes first. Without one, the portion of the closest
    related food among the ranked candidates: same head word, fewest words that ``best``
    lacks, then the ranking. Only with nothing to go on is the answer 100 g.
    """
    own = best.portion
    if own is not None:
        return PortionChoice(own.grams, own.name, PortionSource.OWN)
    head = set(head_tokens(best.name))
    known = set(tokens(best.name)) | NEUTRAL
    related: list[tuple[int, int, Portion]] = []
    for position, match in enumerate(ranked):
        portion = match.food.portion
        if match.food.id == best.id or portion is None:
            continue
        if set(head_tokens(match.food.name)) != head:
            continue
        extra = sum(1 for w in tokens(match.food.name) if w not in known)
        related.append((extra, position, portion))
    if related:
        portion = min(related, key=lambda r: r[:2])[2]
        return PortionChoice(portion.grams, portion.name, PortionSource.SIMILAR)
    return PortionChoice(DEFAULT_PORTION_GRAMS, None, PortionSource.DEFAULT)
