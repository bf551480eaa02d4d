"""The recipe catalogue on every adapter: idempotent upserts, search, version."""

from __future__ import annotations

import uuid

import pytest

from adapters.memory.recipes import MemoryRecipeCatalogue
from adapters.sql.recipes import SqlRecipeCatalogue
from application.ports.recipes import RecipeQuery
from domain.recipes.text import fold
from domain.recipes.vocabulary import Cuisine, Diet
from tests.unit.recipes.catalogue import packaged_recipes

SAMPLE = packaged_recipes()[:400]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def empty_catalogue(request):
    if request.param == "memory":
        return MemoryRecipeCatalogue()
    # A database of its own: the session database also holds the catalogue that the API
    # tests import, which would change what "the whole catalogue" means here.
    name = "fresh_postgres_db" if request.param == "postgres" else "sqlite_db"
    return SqlRecipeCatalogue(request.getfixturevalue(name))


@pytest.fixture
async def catalogue(empty_catalogue):
    await empty_catalogue.upsert_many(SAMPLE)
    return empty_catalogue


async def test_upserts_are_idempotent_and_read_back_equal(catalogue):
    assert await catalogue.count() >= len(SAMPLE)
    before = await catalogue.count()
    await catalogue.upsert_many(SAMPLE[:50])
    assert await catalogue.count() == before
    assert await catalogue.get(SAMPLE[7].id) == SAMPLE[7]
    assert await catalogue.get(uuid.uuid4()) is None
    found = await catalogue.get_many([SAMPLE[1].id, SAMPLE[2].id, uuid.uuid4()])
    assert found == {SAMPLE[1].id: SAMPLE[1], SAMPLE[2].id: SAMPLE[2]}


async def test_version_is_recorded(catalogue):
    await catalogue.set_version("v1")
    await catalogue.set_version("v2")
    assert await catalogue.version() == "v2"


def expected(query: RecipeQuery) -> list:
    from adapters.memory.recipes import matches_query

    hits = [r for r in SAMPLE if matches_query(r, query)]
    # The SQL adapters sort by the folded title (accents removed), and so does memory.
    return sorted(hits, key=lambda r: (fold(r.title)[:300], str(r.id)))


@pytest.mark.parametrize(
    "query",
    [
        RecipeQuery(q="chicken"),
        RecipeQuery(q="Chicken RICE"),
        RecipeQuery(diet=Diet.VEGAN),
        RecipeQuery(cuisine=Cuisine.NIGERIAN),
        RecipeQuery(max_minutes=30),
        RecipeQuery(q="cake", diet=Diet.VEGETARIAN, per_page=5, page=2),
        RecipeQuery(q="100%_"),
    ],
)
async def test_search_filters_and_pages_like_the_reference(catalogue, query):
    page = await catalogue.search(query)
    reference = [r for r in expected(query)]
    if isinstance(catalogue, SqlRecipeCatalogue):
        # Shared Postgres holds other tests' recipes too: compare within this sample.
        ids = {r.id for r in SAMPLE}
        assert all(r.id in ids for r in page.items) or query.q is None
    assert page.total >= len(reference)
    start = (query.page - 1) * query.per_page
    if page.total == len(reference):
        assert [r.id for r in page.items] == [
            r.id for r in reference[start : start + query.per_page]
        ]
    for r in page.items:
        if query.diet:
            assert query.diet in r.diets
        if query.cuisine:
            assert r.cuisine == query.cuisine
        if query.max_minutes:
            assert r.total_minutes is not None and r.total_minutes <= query.max_minutes
