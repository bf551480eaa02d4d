"""What a person is asked to confirm after an analysis: the analysis' confidence, whether
it needs a look (and why, in plain words), and one-tap suggestions.

Pure: the caller says which models answered and hands in the person's recent meals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.food.analysis import FoodItem, Review, Suggestion, SuggestionSource
from domain.food.vision import FusedFood, Source, normalise_food_name

NOTHING_RECOGNISED = "We couldn't recognise any food in this photo."
NO_DESCRIBER = "No meal-description model is configured."
DESCRIBER_FAILED = "The meal-description model could not be reached for this photo."
NO_DETECTOR = "No food detector is configured."
DETECTOR_FAILED = "The food detector could not look at this photo."
PICK_A_SUGGESTION = "Pick one of the suggestions or add the food yourself."


def unsure_about(names: Sequence[str]) -> str:
    return f"We're not sure about {_listing(names)}: please check."


def no_nutrition_for(names: Sequence[str]) -> str:
    return f"We found no nutrition data for {_listing(names)}: please pick the food."


def too_uncertain(count: int) -> str:
    return (
        "One more food was too uncertain to list; it is among the suggestions."
        if count == 1
        else f"{count} more foods were too uncertain to list; they are among the suggestions."
    )


@dataclass(frozen=True, slots=True)
class ModelState:
    """Which recognisers answered for this photo."""

    detector_configured: bool
    detector_ran: bool
    describer_configured: bool
    describer_ran: bool


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    """- `confirm_below`: a listed food less sure than this asks for a person's look.
    - `max_suggestions`: how many suggestions at most."""

    confirm_below: float = 0.5
    max_suggestions: int = 5


def analysis_confidence(items: Sequence[FoodItem]) -> float:
    """The analysis' `confidence_score`: the mean over its foods of (how sure we are of
    the food) x (how sure we are of its USDA match), an unmatched food counting 0 (its
    nutrition is missing from the totals). 0.0 when nothing was recognised."""
    if not items:
        return 0.0
    total = sum(i.confidence * (i.match.confidence if i.match is not None else 0.0) for i in items)
    return round(total / len(items), 4)


def review_of(
    items: Sequence[FoodItem],
    models: ModelState,
    uncertain: int,
    policy: ReviewPolicy | None = None,
) -> Review:
    """Whether the result needs a person's look, with every reason that applies."""
    policy = policy or ReviewPolicy()
    reasons: list[str] = []
    if not items:
        reasons.append(NOTHING_RECOGNISED)
        if not models.describer_configured:
            reasons.append(NO_DESCRIBER)
        elif not models.describer_ran:
            reasons.append(DESCRIBER_FAILED)
        if not models.detector_configured:
            reasons.append(NO_DETECTOR)
        elif not models.detector_ran:
            reasons.append(DETECTOR_FAILED)
        reasons.append(PICK_A_SUGGESTION)
        return Review(needed=True, reasons=tuple(reasons))
    unsure = [i.food for i in items if i.confidence < policy.confirm_below]
    if unsure:
        reasons.append(unsure_about(unsure))
    unmatched = [i.food for i in items if i.match is None]
    if unmatched:
        reasons.append(no_nutrition_for(unmatched))
    if uncertain:
        reasons.append(too_uncertain(uncertain))
    if reasons and models.describer_configured and not models.describer_ran:
        reasons.append(DESCRIBER_FAILED)
    return Review(needed=bool(reasons), reasons=tuple(reasons))


@dataclass(frozen=True, slots=True)
class FrequentFood:
    """A food the person logged, how often, and the portion and USDA food they last had."""

    food: str
    times: int
    portion_grams: float | None
    fdc_id: int | None


def frequent_foods(meals: Iterable[Sequence[FoodItem]], limit: int) -> list[FrequentFood]:
    """The person's most frequent foods over `meals` (newest first), most frequent first;
    ties go to the one eaten most recently. Each keeps its most recent portion (per unit
    eaten) and USDA food."""
    seen: dict[str, tuple[int, int, FoodItem]] = {}  # key -> (times, first index, latest)
    for index, meal in enumerate(meals):
        for item in meal:
            key = normalise_food_name(item.food)
            if not key:
                continue
            found = seen.get(key)
            seen[key] = (1, index, item) if found is None else (found[0] + 1, found[1], found[2])
    ranked = sorted(seen.values(), key=lambda t: (-t[0], t[1]))[: max(limit, 0)]
    return [
        FrequentFood(food=item.food, times=times, portion_grams=_per_unit(item), fdc_id=item.fdc_id)
        for times, _, item in ranked
    ]


def _per_unit(item: FoodItem) -> float | None:
    if item.portion_grams is None:
        return None
    return round(item.portion_grams / max(item.quantity, 1), 1)


def suggestions_for(
    uncertain: Sequence[tuple[FusedFood, int | None, float | None]],
    history: Sequence[FrequentFood],
    listed: Sequence[FoodItem],
    review: Review,
    policy: ReviewPolicy | None = None,
) -> tuple[Suggestion, ...]:
    """Suggestions when a person should review: the models' uncertain foods first (with
    the fdc_id and grams the lookup found for them), then the person's own frequent
    foods, none repeating a listed food or each other. None when nothing needs review."""
    policy = policy or ReviewPolicy()
    if not review.needed:
        return ()
    taken = {normalise_food_name(i.food) for i in listed}
    out: list[Suggestion] = []

    def offer(food: str, grams: float | None, fdc_id: int | None, source: SuggestionSource) -> None:
        key = normalise_food_name(food)
        if key and key not in taken and len(out) < policy.max_suggestions:
            taken.add(key)
            out.append(Suggestion(food=food, portion_grams=grams, fdc_id=fdc_id, source=source))

    for fused, fdc_id, grams in uncertain:
        source = (
            SuggestionSource.DESCRIBER
            if Source.DESCRIBER in fused.sources
            else SuggestionSource.DETECTOR
        )
        offer(fused.food, grams, fdc_id, source)
    for food in history:
        offer(food.food, food.portion_grams, food.fdc_id, SuggestionSource.HISTORY)
    return tuple(out)


def _listing(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
