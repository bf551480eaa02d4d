"""Two catalogues as one: the service's own USDA store first, a remote source (the FDC API)
for names it does not know and for ids that are FDC ids."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.nutrition import FoodCatalog
from domain.nutrition.food import Food, is_offline_id


class FallbackFoodCatalog:
    def __init__(self, primary: FoodCatalog, secondary: FoodCatalog) -> None:
        self._primary = primary
        self._secondary = secondary

    async def candidates(
        self, query: str, *, match_all: bool, limit: int, include_branded: bool = True
    ) -> list[Food]:
        found = await self._primary.candidates(
            query, match_all=match_all, limit=limit, include_branded=include_branded
        )
        if found:
            return found
        return await self._secondary.candidates(
            query, match_all=match_all, limit=limit, include_branded=include_branded
        )

    async def get_many(self, food_ids: Sequence[int]) -> list[Food]:
        offline = [i for i in food_ids if is_offline_id(i)]
        remote = [i for i in food_ids if not is_offline_id(i)]
        found = await self._primary.get_many(offline + remote) if food_ids else []
        known = {f.id for f in found}
        missing = [i for i in remote if i not in known]
        if missing:
            found += await self._secondary.get_many(missing)
        return found
