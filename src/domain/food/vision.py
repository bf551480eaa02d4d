"""What the vision models saw on a plate, and how their answers become one list.

Two sources look at a meal photo: a detector (boxes and confidences, no
portions) and a describer (food names, estimated grams and a paragraph, no
boxes). `fuse` merges them into one `detected_foods` list with a single
`confidence_score` for the analysis. Pure: no I/O, no model code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from domain.nutrition.text import fold
from domain.singular import singular

# --------------------------------------------------------------------------- images


@dataclass(frozen=True, slots=True)
class SanitisedImage:
    """An upload that decoded, passed the size rules and was re-encoded without metadata."""

    data: bytes
    media_type: str  # "image/jpeg" or "image/png"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return ".png" if self.media_type == "image/png" else ".jpg"


# --------------------------------------------------------------------------- detector


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """Corners in pixels of the original (orientation-corrected) image."""

    x1: float
    y1: float
    x2: float
    y2: float

    def __post_init__(self) -> None:
        corners = (self.x1, self.y1, self.x2, self.y2)
        if not all(math.isfinite(v) for v in corners):
            raise ValueError(f"bounding box has a non-finite corner: {corners}")
        if self.x2 < self.x1 or self.y2 < self.y1:
            raise ValueError(f"bounding box corners are out of order: {corners}")

    def as_list(self, ndigits: int = 1) -> list[float]:
        return [
            round(self.x1, ndigits),
            round(self.y1, ndigits),
            round(self.x2, ndigits),
            round(self.y2, ndigits),
        ]

    def union(self, other: BoundingBox) -> BoundingBox:
        return BoundingBox(
            min(self.x1, other.x1),
            min(self.y1, other.y1),
            max(self.x2, other.x2),
            max(self.y2, other.y2),
        )

    def lies_within(self, width: float, height: float) -> bool:
        return self.x1 >= 0 and self.y1 >= 0 and self.x2 <= width and self.y2 <= height


@dataclass(frozen=True, slots=True)
class Detection:
    food: str
    confidence: float
    bbox: BoundingBox

    def __post_init__(self) -> None:
        _check_probability("detection confidence", self.confidence)
        if not self.food.strip():
            raise ValueError("a detection needs a food name")


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """What a detector answered for one image.

    `detector` names the model that ran, or is None when no detector is
    configured or it could not run (then `failure` says why).
    `detections` are foods. `context` holds the tableware seen around them
    (bowl, cup, wine glass, dining table, ...; `Detection.food` is then the
    container's name): a sign that the photo shows a meal, never a food.
    """

    detector: str | None
    detections: tuple[Detection, ...] = ()
    failure: str | None = None
    context: tuple[Detection, ...] = ()

    @classmethod
    def unavailable(cls, reason: str) -> DetectionReport:
        return cls(detector=None, detections=(), failure=reason)


# --------------------------------------------------------------------------- describer


@dataclass(frozen=True, slots=True)
class DescribedFood:
    food: str
    grams: float | None = None
    count: int | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        if not self.food.strip():
            raise ValueError("a described food needs a name")
        if self.grams is not None and not (math.isfinite(self.grams) and self.grams > 0):
            raise ValueError(f"grams must be a positive number, got {self.grams!r}")
        if self.count is not None and self.count < 1:
            raise ValueError(f"count must be at least 1, got {self.count!r}")
        if self.confidence is not None:
            _check_probability("described food confidence", self.confidence)


@dataclass(frozen=True, slots=True)
class Description:
    foods: tuple[DescribedFood, ...]
    text: str


UNAVAILABLE_PREFIX = "describer unavailable: "


@dataclass(frozen=True, slots=True)
class DescriptionReport:
    """What the describer answered.

    `describer` is the model name on success, ``"describer unavailable: <reason>"``
    when it was configured but failed, and None when none is configured.
    """

    describer: str | None
    description: Description | None = None

    @classmethod
    def success(cls, model: str, description: Description) -> DescriptionReport:
        return cls(describer=model, description=description)

    @classmethod
    def unavailable(cls, reason: str) -> DescriptionReport:
        return cls(describer=f"{UNAVAILABLE_PREFIX}{reason}", description=None)

    @classmethod
    def not_configured(cls) -> DescriptionReport:
        return cls(describer=None, description=None)

    @property
    def failed(self) -> bool:
        return self.describer is not None and self.description is None


# --------------------------------------------------------------------------- fusion


class Source(StrEnum):
    DETECTOR = "detector"
    DESCRIBER = "describer"


@dataclass(frozen=True, slots=True)
class FusedFood:
    """One entry of an analysis' `detected_foods` (before nutrition adds `fdc_id`)."""

    food: str
    confidence: float
    bbox: BoundingBox | None
    quantity: int
    portion_grams: float | None
    sources: frozenset[Source]


@dataclass(frozen=True, slots=True)
class FusionResult:
    """`foods`: what the analysis lists; `uncertain`: fused foods below the policy's
    `suggest_below`, offered as suggestions and never counted; `context`: containers and
    tableware the detector saw (bowl, cup, table), never food."""

    foods: tuple[FusedFood, ...]
    confidence_score: float
    uncertain: tuple[FusedFood, ...] = ()
    context: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FusionPolicy:
    """Knobs of `fuse`.

    - `describer_default_confidence`: used when the describer gives none.
    - `max_foods`: the list is cut to the most confident entries.
    - `suggest_below`: a fused food less sure than this is not listed as eaten, only
      offered as a suggestion for the person to confirm.
    """

    describer_default_confidence: float = 0.6
    max_foods: int = 30
    suggest_below: float = 0.3

    def __post_init__(self) -> None:
        _check_probability("describer_default_confidence", self.describer_default_confidence)
        _check_probability("suggest_below", self.suggest_below)
        if self.max_foods < 1:
            raise ValueError("max_foods must be at least 1")


_ALIASES = {
    "donut": "doughnut",
    "hotdog": "hot dog",
    "hot-dog": "hot dog",
    "yoghurt": "yogurt",
}
# What a detector sees around food: kept as context, never listed as food.
CONTEXT_LABELS = frozenset(
    {
        "bowl",
        "cup",
        "mug",
        "glass",
        "wine glass",
        "bottle",
        "plate",
        "dish",
        "tray",
        "dining table",
        "table",
        "fork",
        "knife",
        "spoon",
        "chopstick",
        "napkin",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_food_name(name: str) -> str:
    """A key under which two spellings of the same food meet.

    Case, accents, punctuation, underscores, extra spaces and simple plurals are
    ignored, and "&" is "and" (the USDA matcher's folding): ``"Hot_Dogs"``, ``"hot dog"``
    and ``"hotdog"`` give ``"hot dog"``, ``"Crème Brûlée"`` gives ``"creme brulee"``.
    """
    text = _NON_WORD.sub(" ", fold(name)).strip()
    text = _ALIASES.get(text, text)
    words = [singular(w) for w in text.split()]
    joined = " ".join(words)
    return _ALIASES.get(joined, joined)


@dataclass(slots=True)
class _Group:
    """Detections of one food, folded together."""

    name: str
    key: str
    confidence: float
    bbox: BoundingBox
    count: int = 1

    def add(self, d: Detection) -> None:
        self.confidence = max(self.confidence, d.confidence)
        self.bbox = self.bbox.union(d.bbox)
        self.count += 1


@dataclass(slots=True)
class _Entry:
    food: str
    key: str
    confidence: float
    bbox: BoundingBox | None
    quantity: int
    portion_grams: float | None
    sources: set[Source] = field(default_factory=set)


def is_context(name: str) -> bool:
    """A container or piece of tableware (a bowl, a cup, the table), not a food."""
    return normalise_food_name(name) in CONTEXT_LABELS


def _group_detections(detections: Iterable[Detection]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for d in detections:
        key = normalise_food_name(d.food)
        if not key or key in CONTEXT_LABELS:
            continue
        if key in groups:
            groups[key].add(d)
        else:
            groups[key] = _Group(d.food.strip(), key, d.confidence, d.bbox)
    return list(groups.values())


def _match(group_key: str, described_keys: Sequence[str]) -> int | None:
    """Index of the described food that names the same food as a detector class.

    An exact key wins; else the described name that contains every word of the
    detector's (``"pizza"`` in ``"pepperoni pizza"``), the one with fewest extra words.
    """
    for i, k in enumerate(described_keys):
        if k == group_key:
            return i
    words = set(group_key.split())
    best: tuple[int, int] | None = None
    for i, k in enumerate(described_keys):
        other = set(k.split())
        if words <= other:
            extra = len(other - words)
            if best is None or extra < best[0]:
                best = (extra, i)
    return None if best is None else best[1]


def combine_confidences(a: float, b: float) -> float:
    """Two independent sources agreeing: noisy-OR, 1 - (1-a)(1-b)."""
    return 1.0 - (1.0 - a) * (1.0 - b)


def fuse(
    detections: Iterable[Detection],
    description: Description | None,
    policy: FusionPolicy | None = None,
    context: Iterable[str] = (),
) -> FusionResult:
    """Merge detector and describer answers into one list.

    - Detections of the same food (by `normalise_food_name`) become one entry:
      highest confidence, the union of their boxes, `quantity` = how many.
    - A described food naming the same food merges with it: the describer's
      (usually more specific) name, its grams as `portion_grams`, and both
      confidences combined by noisy-OR (agreement raises confidence).
    - Foods only one source saw keep that source's confidence.
    - Containers and tableware (`CONTEXT_LABELS`) are context, never food, from
      either source; `context` adds what a detector reported as context itself.
    - Entries below `policy.suggest_below` go to `uncertain`, not `foods`.
    - `confidence_score` is the mean confidence of the listed entries (0.0 when empty).
    """
    policy = policy or FusionPolicy()
    detections = list(detections)
    seen_context = [normalise_food_name(d.food) for d in detections if is_context(d.food)]
    context = tuple(dict.fromkeys([*seen_context, *(normalise_food_name(c) for c in context)]))
    groups = _group_detections(detections)
    described = list(description.foods) if description else []
    described_keys = [normalise_food_name(f.food) for f in described]

    entries: list[_Entry] = []
    by_described: dict[int, _Entry] = {}
    for g in groups:
        idx = _match(g.key, described_keys)
        if idx is None:
            entries.append(
                _Entry(g.name, g.key, g.confidence, g.bbox, g.count, None, {Source.DETECTOR})
            )
            continue
        existing = by_described.get(idx)
        if existing is not None:  # two detector classes matched one described food
            existing.confidence = max(existing.confidence, g.confidence)
            existing.bbox = g.bbox if existing.bbox is None else existing.bbox.union(g.bbox)
            existing.quantity += g.count
            continue
        entry = _Entry(
            described[idx].food.strip(),
            described_keys[idx],
            g.confidence,
            g.bbox,
            g.count,
            None,
            {Source.DETECTOR},
        )
        by_described[idx] = entry
        entries.append(entry)

    seen_described: dict[str, _Entry] = {}
    for idx, food in enumerate(described):
        key = described_keys[idx]
        if not key or key in CONTEXT_LABELS:
            continue
        own = (
            food.confidence if food.confidence is not None else policy.describer_default_confidence
        )
        entry = by_described.get(idx)
        if entry is None and key in seen_described:  # the describer repeated itself
            entry = seen_described[key]
            entry.portion_grams = _add_grams(entry.portion_grams, food.grams)
            entry.quantity += food.count or 1
            entry.confidence = max(entry.confidence, own)
            continue
        if entry is None:
            entry = _Entry(
                food.food.strip(), key, own, None, food.count or 1, food.grams, {Source.DESCRIBER}
            )
            entries.append(entry)
        else:
            entry.confidence = combine_confidences(entry.confidence, own)
            entry.portion_grams = food.grams
            entry.sources.add(Source.DESCRIBER)
        seen_described[key] = entry

    entries.sort(key=lambda e: e.confidence, reverse=True)
    fused = [
        FusedFood(
            food=e.food,
            confidence=round(e.confidence, 4),
            bbox=e.bbox,
            quantity=e.quantity,
            portion_grams=None if e.portion_grams is None else round(e.portion_grams, 1),
            sources=frozenset(e.sources),
        )
        for e in entries
    ]
    foods = tuple(f for f in fused if f.confidence >= policy.suggest_below)[: policy.max_foods]
    uncertain = tuple(f for f in fused if f.confidence < policy.suggest_below)
    score = round(sum(f.confidence for f in foods) / len(foods), 4) if foods else 0.0
    return FusionResult(foods=foods, confidence_score=score, uncertain=uncertain, context=context)


def explain_fusion(
    result: FusionResult,
    detector_ran: bool,
    describer_ran: bool,
    policy: FusionPolicy | None = None,
) -> str:
    """One line for `models.fusion`: which source gave what, and how they were combined."""
    policy = policy or FusionPolicy()
    both = sum(1 for f in result.foods if len(f.sources) == 2)
    described = sum(1 for f in result.foods if f.sources == {Source.DESCRIBER})
    detected = sum(1 for f in result.foods if f.sources == {Source.DETECTOR})
    if detector_ran and describer_ran:
        parts = [
            f"describer names and grams, detector boxes and counts: {both} seen by "
            f"both (confidence 1-(1-a)(1-b)), {described} by the describer only, "
            f"{detected} by the detector only"
        ]
    elif describer_ran:
        parts = [f"describer only: {described} foods with its names and grams"]
    elif detector_ran:
        parts = [
            f"detector only: {detected} foods from its boxes, each food's boxes "
            f"counted as its quantity"
        ]
    else:
        parts = ["no model answered: nothing to combine"]
    if result.uncertain:
        parts.append(
            f"{len(result.uncertain)} below {policy.suggest_below:g} confidence "
            f"offered as suggestions, not counted"
        )
    if result.context:
        parts.append(f"containers kept as context: {', '.join(result.context)}")
    return "; ".join(parts)


def _add_grams(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _check_probability(what: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{what} must be within [0, 1], got {value!r}")
