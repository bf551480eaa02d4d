"""Look-ups over the food lexicon: canonical names and traits of ingredient text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from domain.recipes.lexicon_table import LEXICON
from domain.recipes.text import fold, tokens
from domain.recipes.vocabulary import Trait

_ANIMAL = frozenset(
    {
        Trait.MEAT,
        Trait.PORK,
        Trait.FISH,
        Trait.CRUSTACEAN,
        Trait.MOLLUSC,
        Trait.EGG,
        Trait.MILK,
        Trait.HONEY,
    }
)

# Words that take a trait away from the food they qualify ("gluten-free pasta").
MODIFIERS: dict[tuple[str, ...], frozenset[Trait]] = {
    ("gluten", "free"): frozenset({Trait.GLUTEN}),
    ("dairy", "free"): frozenset({Trait.MILK}),
    ("non", "dairy"): frozenset({Trait.MILK}),
    ("nondairy",): frozenset({Trait.MILK}),
    ("lactose", "free"): frozenset(),  # lactose-free milk is still milk
    ("egg", "free"): frozenset({Trait.EGG}),
    ("eggless",): frozenset({Trait.EGG}),
    ("nut", "free"): frozenset({Trait.TREE_NUT, Trait.PEANUT}),
    ("soy", "free"): frozenset({Trait.SOY}),
    ("sugar", "free"): frozenset({Trait.HIGH_CARB}),
    ("alcohol", "free"): frozenset({Trait.ALCOHOL}),
    ("non", "alcoholic"): frozenset({Trait.ALCOHOL}),
    ("vegan",): _ANIMAL | {Trait.PORK},
    ("meatless",): frozenset({Trait.MEAT, Trait.PORK}),
}
_MAX_MODIFIER = max(len(k) for k in MODIFIERS)


@dataclass(frozen=True, slots=True)
class FoodEntry:
    canonical: str
    traits: frozenset[Trait]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Alias phrases (tuples of singular tokens) to the food they name."""

    entries: dict[tuple[str, ...], FoodEntry]
    longest: int
    canonical_names: frozenset[str]

    def is_canonical(self, name: str) -> bool:
        return name in self.canonical_names

    def lookup(self, phrase: tuple[str, ...]) -> FoodEntry | None:
        return self.entries.get(phrase)

    def longest_at(self, words: list[str], start: int) -> tuple[int, FoodEntry | None]:
        for length in range(min(self.longest, len(words) - start), 0, -1):
            entry = self.entries.get(tuple(words[start : start + length]))
            if entry is not None:
                return length, entry
        return 0, None

    def scan(self, words: list[str]) -> list[FoodEntry]:
        """Every food named in `words`, longest phrase first, modifiers applied."""
        found: list[FoodEntry] = []
        removed: frozenset[Trait] = frozenset()
        i = 0
        while i < len(words):
            alias_len, entry = self.longest_at(words, i)
            modifier_len, modifier = _modifier_at(words, i)
            if modifier is not None and modifier_len >= alias_len:
                removed = removed | modifier
                i += modifier_len
                continue
            if entry is None:
                # A modifier only frees the food named right after it: in "for a vegan
                # version use butter" the butter is still milk.
                removed = frozenset()
                i += 1
                continue
            traits = entry.traits - removed if removed else entry.traits
            found.append(FoodEntry(entry.canonical, traits))
            removed = frozenset()
            i += alias_len
        return found

    def traits_of(self, text: str) -> frozenset[Trait]:
        traits: set[Trait] = set()
        for entry in self.scan(tokens(fold(text))):
            traits |= entry.traits
        return frozenset(traits)


def _modifier_at(words: list[str], start: int) -> tuple[int, frozenset[Trait] | None]:
    for length in range(min(_MAX_MODIFIER, len(words) - start), 0, -1):
        removed = MODIFIERS.get(tuple(words[start : start + length]))
        if removed is not None:
            return length, removed
    return 0, None


def _logical_lines(table: str) -> list[str]:
    """Entries with their indented continuation lines joined; comments dropped."""
    lines: list[str] = []
    for raw in table.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[:1].isspace() and lines:
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.strip())
    return lines


def parse_table(table: str) -> Lexicon:
    entries: dict[tuple[str, ...], FoodEntry] = {}
    for number, line in enumerate(_logical_lines(table), start=1):
        names, _, trait_text = line.partition("|")
        canonical, _, alias_text = names.partition(":")
        canonical = canonical.strip()
        traits = frozenset(Trait(t) for t in trait_text.split())
        entry = FoodEntry(canonical, traits)
        for alias in [canonical, *alias_text.split(",")]:
            key = tuple(tokens(fold(alias)))
            if not key:
                continue
            if key in entries and entries[key] != entry:
                raise ValueError(
                    f"lexicon entry {number}: {alias!r} already names {entries[key].canonical!r}"
                )
            entries[key] = entry
    return Lexicon(
        entries, max(len(k) for k in entries), frozenset(e.canonical for e in entries.values())
    )


@cache
def default_lexicon() -> Lexicon:
    return parse_table(LEXICON)
