"""Issue 15 numbers: does a food name find the right USDA food and a typical portion?

For each common food below, ``LookupNutrition`` (the matcher the API, the photo pipeline
and recipes use) is asked for the name a person would type, over the USDA catalogue Psi
ships (``usda_catalogue.csv.gz`` in an in-memory store, which ranks like the SQL stores).

The reference values are **not** read from that catalogue: they are hand-entered from
USDA's published SR Legacy values (NDB number given per row): energy per 100 g, and the
weight of one typical unit or serving chosen by a fixed rule before measuring: one medium
(or one "fruit") where a food is counted in units, one large egg, one slice of bread,
1 cup for foods served by the cup (cooked grains and pasta, milk, juice, berries,
chopped vegetables), 1 tbsp for fats and spreads (2 tbsp peanut butter), 1 tsp sugar,
1 oz for nuts, cheese and chips, 3 oz for meat and fish without a natural unit, one
fillet / half breast where USDA gives one.

Scores:
* kcal: the first match's energy per 100 g within +-15 % of the reference (or within
  5 kcal, for near-zero foods such as coffee and tea);
* portion: its default portion within +-25 % of the reference unit weight; a default that
  is not a USDA measure (the 100 g fallback) counts as a miss.

Run: ``PYTHONPATH=src .venv/bin/python bench/eval_nutrition.py [--markdown]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.nutrition.catalogue_csv import UsdaCatalogueSource
from application.nutrition.lookup import LookupNutrition
from domain.nutrition.matching import PortionSource

KCAL_TOLERANCE = 0.15
KCAL_ABSOLUTE = 5.0
PORTION_TOLERANCE = 0.25

# query, NDB number, USDA SR Legacy description, kcal / 100 g, reference unit, grams
REFERENCE: list[tuple[str, str, str, float, str, float]] = [
    ("banana", "09040", "Bananas, raw", 89, "1 medium", 118),
    ("apple", "09003", "Apples, raw, with skin", 52, "1 medium", 182),
    ("orange", "09200", "Oranges, raw, all commercial varieties", 47, "1 fruit", 131),
    ("strawberries", "09316", "Strawberries, raw", 32, "1 cup, whole", 144),
    ("grapes", "09132", "Grapes, red or green, raw", 69, "1 cup", 151),
    ("pear", "09252", "Pears, raw", 57, "1 medium", 178),
    ("peach", "09236", "Peaches, yellow, raw", 39, "1 medium", 150),
    ("watermelon", "09326", "Watermelon, raw", 30, "1 cup, diced", 152),
    ("blueberries", "09050", "Blueberries, raw", 57, "1 cup", 148),
    ("mango", "09176", "Mangos, raw", 60, "1 cup pieces", 165),
    ("avocado", "09037", "Avocados, raw, all commercial varieties", 160, "1 avocado", 201),
    ("kiwi", "09148", "Kiwifruit, green, raw", 61, "1 fruit", 69),
    ("cherries", "09070", "Cherries, sweet, raw", 63, "1 cup, with pits", 138),
    ("pineapple", "09266", "Pineapple, raw, all varieties", 50, "1 cup, chunks", 165),
    ("plum", "09279", "Plums, raw", 46, "1 fruit", 66),
    ("cantaloupe", "09181", "Melons, cantaloupe, raw", 34, "1 cup, cubes", 160),
    ("carrots", "11124", "Carrots, raw", 41, "1 medium", 61),
    ("broccoli", "11090", "Broccoli, raw", 34, "1 cup chopped", 91),
    ("tomato", "11529", "Tomatoes, red, ripe, raw, year round average", 18, "1 medium", 123),
    ("cucumber", "11205", "Cucumber, with peel, raw", 15, "1 cup, sliced", 104),
    ("spinach", "11457", "Spinach, raw", 23, "1 cup", 30),
    ("baked potato", "11674", "Potatoes, baked, flesh and skin, without salt", 93, "1 medium", 173),
    (
        "sweet potato",
        "11508",
        "Sweet potato, cooked, baked in skin, flesh, without salt",
        90,
        "1 medium",
        114,
    ),
    ("onion", "11282", "Onions, raw", 40, "1 medium", 110),
    ("lettuce", "11252", "Lettuce, iceberg, raw", 14, "1 cup shredded", 72),
    ("green beans", "11053", "Beans, snap, green, cooked, boiled, drained", 35, "1 cup", 125),
    ("celery", "11143", "Celery, raw", 14, "1 medium stalk", 40),
    ("green pepper", "11333", "Peppers, sweet, green, raw", 20, "1 medium", 119),
    ("mushrooms", "11260", "Mushrooms, white, raw", 22, "1 cup pieces", 70),
    ("cauliflower", "11135", "Cauliflower, raw", 25, "1 cup chopped", 107),
    ("cabbage", "11109", "Cabbage, raw", 25, "1 cup chopped", 89),
    ("zucchini", "11477", "Squash, summer, zucchini, includes skin, raw", 17, "1 medium", 196),
    ("rice", "20045", "Rice, white, long-grain, regular, cooked", 130, "1 cup", 158),
    ("brown rice", "20037", "Rice, brown, long-grain, cooked", 123, "1 cup", 195),
    ("pasta", "20121", "Pasta, cooked, enriched, without added salt", 158, "1 cup", 140),
    ("spaghetti", "20121", "Pasta (spaghetti), cooked, enriched", 158, "1 cup", 140),
    ("oatmeal", "08121", "Cereals, oats, regular and quick, cooked with water", 71, "1 cup", 234),
    ("quinoa", "20137", "Quinoa, cooked", 120, "1 cup", 185),
    ("bread", "18069", "Bread, white, commercially prepared", 266, "1 slice", 25),
    ("whole wheat bread", "18075", "Bread, whole-wheat, commercially prepared", 252, "1 slice", 32),
    ("bagel", "18001", "Bagels, plain, enriched", 257, "1 medium", 105),
    ("egg", "01123", "Egg, whole, raw, fresh", 143, "1 large", 50),
    ("boiled egg", "01129", "Egg, whole, cooked, hard-boiled", 155, "1 large", 50),
    ("fried egg", "01128", "Egg, whole, cooked, fried", 196, "1 large", 46),
    ("scrambled eggs", "01132", "Egg, whole, cooked, scrambled", 149, "1 large", 61),
    ("milk", "01211", "Milk, whole, 3.25% milkfat", 61, "1 cup", 244),
    ("skim milk", "01151", "Milk, nonfat, fluid (fat free or skim)", 34, "1 cup", 245),
    ("yogurt", "01116", "Yogurt, plain, whole milk", 61, "1 cup", 245),
    ("cheddar cheese", "01009", "Cheese, cheddar", 403, "1 oz", 28),
    ("mozzarella", "01026", "Cheese, mozzarella, whole milk", 300, "1 oz", 28),
    ("cottage cheese", "01012", "Cheese, cottage, creamed, large or small curd", 98, "1 cup", 210),
    ("butter", "01001", "Butter, salted", 717, "1 tbsp", 14.2),
    ("olive oil", "04053", "Oil, olive, salad or cooking", 884, "1 tbsp", 13.5),
    ("peanut butter", "16098", "Peanut butter, smooth style, with salt", 588, "2 tbsp", 32),
    ("almonds", "12061", "Nuts, almonds", 579, "1 oz", 28.35),
    ("walnuts", "12155", "Nuts, walnuts, english", 654, "1 oz", 28.35),
    ("peanuts", "16090", "Peanuts, all types, dry-roasted, without salt", 585, "1 oz", 28.35),
    ("cashews", "12087", "Nuts, cashew nuts, dry roasted, without salt", 574, "1 oz", 28.35),
    (
        "chicken breast",
        "05064",
        "Chicken, broilers or fryers, breast, meat only, cooked, roasted",
        165,
        "1/2 breast, bone and skin removed",
        86,
    ),
    ("salmon", "15237", "Fish, salmon, Atlantic, farmed, cooked, dry heat", 206, "1/2 fillet", 178),
    ("tuna", "15121", "Fish, tuna, light, canned in water, drained solids", 116, "3 oz", 85),
    ("shrimp", "15150", "Crustaceans, shrimp, mixed species, cooked, moist heat", 99, "3 oz", 85),
    ("cod", "15016", "Fish, cod, Atlantic, cooked, dry heat", 105, "1 fillet", 180),
    ("tilapia", "15262", "Fish, tilapia, cooked, dry heat", 128, "1 fillet", 87),
    (
        "ground beef",
        "23572",
        "Beef, ground, 85% lean meat / 15% fat, patty, cooked, broiled",
        250,
        "3 oz",
        85,
    ),
    ("bacon", "10862", "Pork, cured, bacon, cooked, pan-fried", 541, "1 slice", 8),
    ("coffee", "14209", "Beverages, coffee, brewed, prepared with tap water", 1, "1 cup", 237),
    ("tea", "14355", "Beverages, tea, black, brewed, prepared with tap water", 1, "1 cup", 237),
    ("orange juice", "09206", "Orange juice, raw", 45, "1 cup", 248),
    ("apple juice", "09016", "Apple juice, canned or bottled, unsweetened", 46, "1 cup", 248),
    ("beer", "14003", "Alcoholic beverage, beer, regular, all", 43, "12 fl oz", 356),
    ("red wine", "14096", "Alcoholic beverage, wine, table, red", 85, "5 fl oz", 147),
    ("honey", "19296", "Honey", 304, "1 tbsp", 21),
    ("sugar", "19335", "Sugars, granulated", 387, "1 tsp", 4.2),
    ("ketchup", "11935", "Catsup", 101, "1 tbsp", 15),
    ("mayonnaise", "04025", "Salad dressing, mayonnaise, regular", 680, "1 tbsp", 13.8),
    ("hummus", "16158", "Hummus, commercial", 166, "1 tbsp", 15),
    ("tofu", "16427", "Tofu, raw, regular, prepared with calcium sulfate", 76, "1/2 cup", 124),
    ("lentils", "16070", "Lentils, mature seeds, cooked, boiled, without salt", 116, "1 cup", 198),
    (
        "black beans",
        "16015",
        "Beans, black, mature seeds, cooked, boiled, without salt",
        132,
        "1 cup",
        172,
    ),
    (
        "chickpeas",
        "16057",
        "Chickpeas, mature seeds, cooked, boiled, without salt",
        164,
        "1 cup",
        164,
    ),
    (
        "kidney beans",
        "16033",
        "Beans, kidney, all types, mature seeds, cooked, boiled",
        127,
        "1 cup",
        177,
    ),
    (
        "pizza",
        "21299",
        'Fast foods, pizza chain, 14" pizza, cheese topping, regular crust',
        266,
        "1 slice",
        107,
    ),
    (
        "french fries",
        "21138",
        "Fast foods, potato, french fried in vegetable oil",
        312,
        "1 medium serving",
        117,
    ),
    ("donut", "18248", "Doughnuts, cake-type, plain", 421, "1 medium", 47),
    ("potato chips", "19411", "Snacks, potato chips, plain, salted", 536, "1 oz", 28.35),
    ("dark chocolate", "19904", "Chocolate, dark, 70-85% cacao solids", 598, "1 oz", 28.35),
    ("ice cream", "19095", "Ice creams, vanilla", 207, "1/2 cup", 66),
]


@dataclass(frozen=True, slots=True)
class Row:
    query: str
    ndb: str
    reference: str
    ref_kcal: float
    ref_unit: str
    ref_grams: float
    matched: str | None
    data_type: str | None
    confidence: float | None
    kcal: float | None
    portion: str | None
    grams: float | None
    portion_source: str | None

    @property
    def kcal_ok(self) -> bool:
        if self.kcal is None:
            return False
        return abs(self.kcal - self.ref_kcal) <= max(KCAL_TOLERANCE * self.ref_kcal, KCAL_ABSOLUTE)

    @property
    def portion_ok(self) -> bool:
        if self.grams is None or self.portion_source == PortionSource.DEFAULT.value:
            return False
        return abs(self.grams - self.ref_grams) <= PORTION_TOLERANCE * self.ref_grams


async def evaluate() -> list[Row]:
    store = MemoryNutritionStore()
    await store.upsert_many(list(UsdaCatalogueSource().foods(include_branded=False)))
    look = LookupNutrition(store)
    rows = []
    for query, ndb, reference, kcal, unit, grams in REFERENCE:
        found = await look(query)
        rows.append(
            Row(
                query,
                ndb,
                reference,
                kcal,
                unit,
                grams,
                found.food_name if found else None,
                found.data_type.value if found else None,
                found.match_confidence if found else None,
                found.per_100g.calories if found else None,
                found.portion_name if found else None,
                found.portion_grams if found else None,
                found.portion_source.value if found else None,
            )
        )
    return rows


def _fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(rows: list[Row]) -> str:
    lines = [
        "| query | USDA reference (NDB) | ref kcal | first match | kcal | ok | "
        "ref unit (g) | default portion (g) | ok |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.query} | {r.reference} ({r.ndb}) | {r.ref_kcal:g} | {r.matched} "
            f"[{r.data_type}, {_fmt(r.confidence, 2)}] | {_fmt(r.kcal)} | "
            f"{'yes' if r.kcal_ok else '**no**'} | {r.ref_unit} ({r.ref_grams:g}) | "
            f"{r.portion} ({_fmt(r.grams)}, {r.portion_source}) | "
            f"{'yes' if r.portion_ok else '**no**'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true", help="print the whole table")
    args = parser.parse_args()
    rows = asyncio.run(evaluate())
    kcal = sum(r.kcal_ok for r in rows) / len(rows)
    portion = sum(r.portion_ok for r in rows) / len(rows)
    if args.markdown:
        print(markdown(rows))
        print()
    print(
        f"{len(rows)} foods: first match within +-15 % kcal: {kcal:.1%} (target >= 90 %); "
        f"default portion within +-25 % of the reference unit: {portion:.1%} "
        f"(target >= 85 %)"
    )
    for r in rows:
        if not (r.kcal_ok and r.portion_ok):
            print(
                f"  miss {r.query!r}: {r.matched} kcal {_fmt(r.kcal)} (ref {r.ref_kcal:g})"
                f", portion {r.portion} {_fmt(r.grams)} g (ref {r.ref_unit} "
                f"{r.ref_grams:g} g)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
