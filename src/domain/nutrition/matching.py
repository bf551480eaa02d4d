"""Which catalogue food a name means, and how sure we are.

The ranking prefers what a person most likely ate when they name a food. Each candidate's
confidence in [0, 1] is a product of named features (``MatchFeatures``):

* ``coverage``: share of the query's words in the description (a prefix-only hit, "apple"
  in "applesauce", counts 0.3), raised to 1.5;
* ``lead``: share of the query's words among the description's first four parts (where
  USDA names the food, "Chicken, broilers or fryers, breast"), and ``head_extra``, words
  of its first part the query did not ask for ("Chicken breast *tenders*", "*Beans and*
  white rice"), each costing 25 %, unless that part names a group (``GROUP_LIKE``:
  "Melons, cantaloupe", "Alcoholic beverage, beer") and the query's food follows it;
* ``specificity``: every other extra word costs 15 %, a processing word ("juice",
  "canned", "dried", "pie") 35 %; words that describe the plain food ("raw", "whole",
  "regular", numbers, "without salt", "A or B" alternatives) and the food's **usual
  variety** (``USUAL_VARIETY``: "rice" is white long-grain, "milk" whole fluid milk,
  "salmon" Atlantic farmed) cost nothing, and each usual-variety word present adds 2 %;
* ``state``: how the food is usually eaten. For a food people eat cooked (``EATEN_COOKED``:
  rice, pasta, meat, fish, eggs, beans, potatoes; coffee and tea brewed), when the query
  does not say: dry heat (roasted, baked, broiled, brewed) 1.0, other usual cooking 0.99,
  less usual (stewed, microwaved, canned) 0.97, no state named 0.85, raw or dry 0.6; a
  query that names a state ("boiled egg", "grilled chicken") wants that word (1.0) or an
  equivalent (0.93: "grilled" is USDA's "broiled", "roasted", "dry heat");
* ``prior``: the data set (Foundation 1.0, SR Legacy 0.97, FNDDS 0.88, branded 0.7), a
  restaurant/brand description in capitals counting as branded; foods with named USDA
  household measures (a default portion of their own) get 3 % more;
* ``completeness``: macros measured (0.7-1.0), energy missing x 0.6;
* ``plain``: x 1.05 for a whole, raw or "not further specified" description when the
  query asks for nothing processed and the food is not one eaten cooked.

The order is total and deterministic: confidence, data set, description length, name, id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from domain.nutrition.food import DataType, Food, Portion
from domain.nutrition.text import food_query, group_tokens, head_tokens, tokens

# Words that describe a plain, whole food: they neither add nor cost anything.
NEUTRAL = frozenset(
    {
        "raw",
        "fresh",
        "whole",
        "plain",
        "regular",
        "all",
        "commercial",
        "varieties",
        "prepared",
        "unprepared",
        "ripe",
        "unenriched",
        "enriched",
        "mature",
        "seed",
        "average",
        "year",
        "round",
        "without",
        "salt",
        "added",
        "commercially",
        "drained",
        "mixed",
        "species",
        "variety",
        "cured",
        "fluid",
        "meat",
        "only",
        "tap",
        "includes",
        "peel",
        "atlantic",
        "pacific",
        "table",
    }
)
# Words that turn a whole food into something else; they cost more than other extra words.
PROCESSED = frozenset(
    {
        "juice",
        "sauce",
        "dried",
        "dehydrated",
        "canned",
        "frozen",
        "candied",
        "pie",
        "cake",
        "chip",
        "powder",
        "baby",
        "babyfood",
        "fried",
        "syrup",
        "pudding",
        "nectar",
        "flavored",
        "sweetened",
        "concentrate",
        "restaurant",
        "salad",
        "casserole",
        "soup",
        "drink",
        "substitute",
        "creamer",
        "bar",
        "mix",
        "smoothie",
        "filling",
        "cereal",
        "formula",
        "dessert",
        "topping",
        "spread",
        "imitation",
        "reduced",
        "fat",
        "free",
        "sugar",
        "low",
        "instant",
        "decaffeinated",
        "cookie",
        "muffin",
        "bread",
        "strudel",
        "fritter",
        "crisp",
        "cobbler",
        "turnover",
        "dumpling",
        "jam",
        "jelly",
        "preserve",
        "butter",
        "liqueur",
        "wine",
        "vinegar",
        "oil",
        "extract",
        "supplement",
        "shake",
        "dry",
        "meatless",
        "vegetarian",
        "roll",
        "loaf",
        "luncheon",
        "breaded",
        "batter",
        "tender",
        "nugget",
        "flour",
        "cracker",
        "stick",
        "glutinous",
        "custard",
        "pickled",
        "sprouted",
        "fast",
        "cupcake",
        "pickle",
        "brownie",
        "pastry",
        "croissant",
        "danish",
        "waffle",
        "pancake",
    }
)
WHOLE = frozenset({"raw", "fresh", "whole", "plain"})
# "whole" that is not about the food being whole.
_NOT_WHOLE = ("whole wheat", "whole-wheat", "whole grain", "whole milk")

# Foods people eat cooked (or brewed): unless the query says otherwise, a cooked form.
EATEN_COOKED = frozenset(
    {
        "rice",
        "pasta",
        "spaghetti",
        "macaroni",
        "noodle",
        "chicken",
        "beef",
        "pork",
        "turkey",
        "lamb",
        "veal",
        "salmon",
        "tuna",
        "cod",
        "tilapia",
        "halibut",
        "trout",
        "fish",
        "shrimp",
        "bacon",
        "sausage",
        "ham",
        "steak",
        "egg",
        "lentil",
        "bean",
        "chickpea",
        "quinoa",
        "oatmeal",
        "oat",
        "potato",
        "barley",
        "couscous",
        "bulgur",
        "millet",
        "coffee",
        "tea",
        "crab",
        "lobster",
        "duck",
        "venison",
        "bison",
        "mussel",
        "scallop",
    }
)
COOKED = frozenset(
    {
        "cooked",
        "roasted",
        "boiled",
        "baked",
        "broiled",
        "grilled",
        "heat",
        "steamed",
        "stewed",
        "braised",
        "microwaved",
        "brewed",
        "poached",
        "simmered",
        "scrambled",
        "hard",
        "sauteed",
        "rotisserie",
        "pan",
        "browned",
        "crumbles",
        "canned",
    }
)
USUAL_COOKING = frozenset(
    {
        "cooked",
        "roasted",
        "boiled",
        "baked",
        "broiled",
        "grilled",
        "heat",
        "steamed",
        "brewed",
        "poached",
        "hard",
        "scrambled",
    }
)
# Of the usual ways, dry heat (what "chicken", "potato", "salmon" most often means).
DRY_HEAT = frozenset({"roasted", "baked", "broiled", "grilled", "brewed"})
_WET_COOKING = 0.99
NOT_COOKED = frozenset({"raw", "dry", "uncooked", "unprepared", "unheated", "frozen"})
# A state a person names and the USDA words that mean it.
STATE_SYNONYMS: dict[str, frozenset[str]] = {
    "grilled": frozenset({"grilled", "broiled", "roasted", "heat", "rotisserie"}),
    "roasted": frozenset({"roasted", "baked", "broiled", "heat", "rotisserie"}),
    "baked": frozenset({"baked", "roasted", "heat"}),
    "boiled": frozenset({"boiled", "hard", "poached", "simmered", "stewed"}),
    "cooked": COOKED,
    "steamed": frozenset({"steamed", "boiled"}),
    "fried": frozenset({"fried", "pan"}),
    "scrambled": frozenset({"scrambled"}),
    "poached": frozenset({"poached", "boiled"}),
    "raw": frozenset({"raw", "fresh"}),
}
# First parts of USDA descriptions that name a group, the food itself following.
GROUP_LIKE = frozenset(
    {
        "melon",
        "squash",
        "alcoholic",
        "beverage",
        "lettuce",
        "pepper",
        "bean",
        "crustacean",
        "mollusk",
        "cereal",
        "candy",
        "snack",
        "fish",
        "nut",
        "seed",
        "spice",
        "game",
        "cheese",
        "summer",
        "winter",
        "sweet",
        "hot",
        "chili",
    }
)
# The variety a bare food name means: its words cost nothing.
USUAL_VARIETY: dict[str, frozenset[str]] = {
    "rice": frozenset({"white", "long", "grain"}),
    "bread": frozenset({"white"}),
    "milk": frozenset({"3", "25", "milkfat", "vitamin", "d", "a"}),
    "chicken": frozenset({"broiler", "fryer"}),
    "salmon": frozenset({"atlantic", "farmed"}),
    "tuna": frozenset({"light", "water", "solid", "canned"}),
    "cheese": frozenset({"whole", "milk"}),
    "tomato": frozenset({"red", "ripe"}),
    "mushroom": frozenset({"white"}),
    "peanut": frozenset({"smooth", "style"}),
    "yogurt": frozenset({"milk"}),
    "tea": frozenset({"black"}),
    "coffee": frozenset({"water"}),
    "oat": frozenset({"quick", "instant", "water"}),
    "potato": frozenset({"flesh"}),
    "egg": frozenset({"chicken"}),
    "turkey": frozenset({"young", "tom", "hen"}),
    "pasta": frozenset({"spaghetti"}),
    "lentil": frozenset(),
    "bean": frozenset({"snap"}),
    "sugar": frozenset({"granulated"}),
    "butter": frozenset({"salted"}),
    "orange": frozenset({"navel"}),
    "pizza": frozenset({"cheese", "crust"}),
}

# Words people add that USDA descriptions leave unsaid ("plain yogurt", "black coffee").
QUERY_FILLER = frozenset({"plain", "fresh", "organic", "homemade", "regular", "normal"})
USUAL_QUERY_WORDS: dict[str, frozenset[str]] = {
    "coffee": frozenset({"black", "hot", "filter"}),
    "tea": frozenset({"hot", "cup"}),
}

# A prefix-only hit ("apple" in "applesauce") counts for this much of a word.
_PREFIX_CREDIT = 0.3
_EXTRA_COST = 0.15
_PROCESSED_COST = 0.35
_HEAD_EXTRA_COST = 0.25
_WHOLE_BONUS = 1.05
_STATE_MATCH = 1.0
_STATE_SECOND = 0.97  # a cooked form less usual than roasting, boiling or baking
_STATE_SYNONYM = 0.93
_VARIETY_BONUS = 1.02
_STATE_UNSAID = 0.85
_STATE_MISMATCH = 0.6
_PORTIONS_BONUS = 1.03


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


def _is_whole(name: str, word_set: frozenset[str]) -> bool:
    plain = word_set & WHOLE
    if plain == {"whole"} and any(p in name.lower() for p in _NOT_WHOLE):
        plain = frozenset()
    return bool(plain) or _is_unspecified(name)


def _is_unspecified(name: str) -> bool:
    """FNDDS marks its generic entries ``NFS`` (not further specified) or ``NS as to ...``."""
    return ", NFS" in name or ", NS as to" in name


@dataclass(frozen=True, slots=True)
class _NameProfile:
    """What the ranking needs to know about a description, computed once per name."""

    words: tuple[str, ...]
    word_set: frozenset[str]
    head: frozenset[str]
    lead: frozenset[str]
    group: frozenset[str]
    brand_like: bool
    whole: bool
    # Words of "A or B" alternatives ("red or green", "broilers or fryers"): USDA saying
    # what the data covers, not a variety; they cost nothing.
    alternatives: frozenset[str] = frozenset()


_ALTERNATIVE = re.compile(r"\b([A-Za-z]+) or ([A-Za-z]+)\b")


def _alternatives(name: str) -> frozenset[str]:
    out: set[str] = set()
    for match in _ALTERNATIVE.finditer(name):
        words = set(tokens(match.group(0)))
        if not words & (COOKED | NOT_COOKED | PROCESSED | STATE_SYNONYMS.keys()):
            out |= words
    return frozenset(out)


# USDA phrases that say how a food is used or that it is whole, not what it is
# ("Oil, olive, salad or cooking", "Apples, raw, with skin").
_USE_PHRASES = ("salad or cooking", ", with skin")


@lru_cache(maxsize=131_072)
def _profile(name: str) -> _NameProfile:
    for phrase in _USE_PHRASES:
        name = name.replace(phrase, " ")
    words = tuple(tokens(name))
    word_set = frozenset(words)
    lead = frozenset(tokens(",".join(name.split(",")[:4])))
    return _NameProfile(
        words=words,
        word_set=word_set,
        head=frozenset(head_tokens(name)),
        lead=lead,
        group=frozenset(group_tokens(name)),
        brand_like=_looks_like_brand(name),
        whole=_is_whole(name, word_set),
        alternatives=_alternatives(name),
    )


@dataclass(frozen=True, slots=True)
class MatchFeatures:
    """The named features behind one confidence (see the module docstring)."""

    coverage: float
    lead: float
    head_extra: int
    plain_extra: int
    processed_extra: int
    state: float
    prior: float
    completeness: float
    plain: bool

    @property
    def confidence(self) -> float:
        if self.coverage == 0.0:
            return 0.0
        specificity = 1.0 / (
            1.0 + _EXTRA_COST * self.plain_extra + _PROCESSED_COST * self.processed_extra
        )
        value = (
            self.prior
            * self.coverage**1.5
            * (0.6 + 0.4 * self.lead)
            / (1.0 + _HEAD_EXTRA_COST * self.head_extra)
            * specificity
            * self.state
            * self.completeness
        )
        if self.plain:
            value *= _WHOLE_BONUS
        return max(0.0, value)


def _wanted_states(query: set[str]) -> frozenset[str]:
    wanted: set[str] = set()
    for word in query:
        wanted |= STATE_SYNONYMS.get(word, frozenset())
    return frozenset(wanted)


def features(query: Sequence[str], food: Food) -> MatchFeatures:
    name = _profile(food.name)
    q = set(query)
    wanted = _wanted_states(q)
    # A cooking word is covered by any USDA word that means it ("grilled": "roasted").
    covered = set(name.word_set) | (q & QUERY_FILLER)
    for word in q:
        covered |= q & USUAL_QUERY_WORDS.get(word, frozenset())
    if wanted & name.word_set:
        covered |= q & STATE_SYNONYMS.keys()
    coverage = _coverage(query, covered)

    cooked_food = bool(q & EATEN_COOKED) or bool(name.head & EATEN_COOKED & q)
    variety: set[str] = set()
    for word in q:
        variety |= USUAL_VARIETY.get(word, frozenset())
    free = NEUTRAL | variety | name.group | q
    if cooked_food and not wanted:
        free = free | COOKED
    if wanted:
        free = free | wanted | ({"cooked"} if "raw" not in q else set())
    if "heat" in name.word_set:  # USDA's "cooked, dry heat": "dry" is how, not dried
        free = free | {"dry", "moist"}
    q_food = (q - STATE_SYNONYMS.keys()) or q
    if name.head and name.head <= GROUP_LIKE and not (name.head & q_food) and q_food <= name.lead:
        # "Melons, cantaloupe", "Squash, summer, zucchini", "Alcoholic beverage, beer":
        # the first part names the food's group; the food the query names follows.
        free = free | name.head
        for word in name.head:
            free = free | USUAL_VARIETY.get(word, frozenset())
    free = free | name.alternatives
    extra = [w for w in name.words if w not in free and not w.isdigit()]
    processed = sum(1 for w in extra if w in PROCESSED)
    head_extra = sum(1 for w in name.head if w not in free and not w.isdigit())

    state = 1.0
    state_words = name.word_set - ({"dry"} if "heat" in name.word_set else set())
    if wanted:
        if name.word_set & q & STATE_SYNONYMS.keys():
            state = _STATE_MATCH
        elif name.word_set & wanted:
            state = _STATE_SYNONYM
        elif state_words & (COOKED | NOT_COOKED):
            state = _STATE_MISMATCH
        else:
            state = _STATE_UNSAID
    elif cooked_food:
        if state_words & DRY_HEAT or (state_words & {"heat"} and "dry" in name.word_set):
            state = _STATE_MATCH
        elif state_words & USUAL_COOKING:
            state = _STATE_MATCH * _WET_COOKING
        elif state_words & COOKED:
            state = _STATE_SECOND
        elif state_words & NOT_COOKED:
            state = _STATE_MISMATCH
        else:
            state = _STATE_UNSAID

    prior = food.data_type.prior
    if food.data_type.is_generic and name.brand_like:
        prior = DataType.BRANDED.prior
    if food.portions:
        prior *= _PORTIONS_BONUS
    per_100g = food.per_100g
    completeness = 0.7 + 0.3 * per_100g.known_macros / 6
    if per_100g.calories is None:
        completeness *= 0.6
    # How a food was cooked is said anywhere in a description; what it is, up front.
    lead = len(q_food & name.lead) / len(q_food) if q_food else 0.0
    plain = name.whole and not (q & PROCESSED) and not cooked_food
    usual = min(3, len(variety & name.word_set))
    return MatchFeatures(
        coverage=coverage,
        lead=lead,
        head_extra=head_extra,
        plain_extra=len(extra) - processed,
        processed_extra=processed,
        state=state * _VARIETY_BONUS**usual,
        prior=prior,
        completeness=completeness,
        plain=plain,
    )


def _value(query: Sequence[str], food: Food) -> float:
    return features(query, food).confidence if query else 0.0


def score(query: Sequence[str], food: Food) -> float:
    """Confidence (0-1) that ``food`` is what the normalised query words name."""
    return min(1.0, _value(query, food))


def searchable(query: str) -> str:
    """The words a catalogue must hold for ``query``: its cooking words left out, since
    USDA says "grilled" as "broiled" or "roasted" and the ranking weighs them."""
    words = tokens(query)
    kept = [w for w in words if w not in STATE_SYNONYMS]
    return " ".join(kept) if kept else " ".join(words)


def rank(query: str, candidates: Iterable[Food]) -> list[FoodMatch]:
    """Candidates that match ``query`` at all, best first (confidence, then data set,
    shorter description, name, id)."""
    words = tokens(food_query(query))
    scored: list[tuple[float, int, int, str, int, FoodMatch]] = []
    seen: set[int] = set()
    for food in candidates:
        if food.id in seen:
            continue
        seen.add(food.id)
        value = _value(words, food)
        if value > 0.0:
            confidence = round(min(1.0, value), 4)
            scored.append(
                (
                    -value,
                    food.data_type.rank,
                    len(food.name),
                    food.name,
                    food.id,
                    FoodMatch(food, confidence),
                )
            )
    scored.sort(key=lambda s: s[:5])
    return [s[5] for s in scored]


class PortionSource(StrEnum):
    OWN = "own"  # the matched food's own USDA portion
    SIMILAR = "similar"  # a USDA portion of a closely related food (same head word)
    DEFAULT = "default"  # nothing to go on: 100 g
    GIVEN = "given"  # the caller said how much


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
        other = set(head_tokens(match.food.name))
        # The same food described another way: "Olive oil" and "Oil, olive, ...".
        if other != head and not (head <= set(tokens(match.food.name)) and other <= known):
            continue
        extra = sum(1 for w in tokens(match.food.name) if w not in known)
        related.append((extra, position, portion))
    if related:
        portion = min(related, key=lambda r: r[:2])[2]
        return PortionChoice(portion.grams, portion.name, PortionSource.SIMILAR)
    return PortionChoice(DEFAULT_PORTION_GRAMS, None, PortionSource.DEFAULT)
