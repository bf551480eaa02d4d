"""The FoodData Central API as a ``FoodCatalog`` (an alternative to the offline store).

``POST /v1/foods/search`` for name search and ``POST /v1/foods`` for ids, at most 20 ids a
call. The key travels in the ``X-Api-Key`` header (never in a URL that could be logged).
Timeouts, 429s (1,000 requests an hour a key), 5xx and malformed answers become
``DependencyUnavailable('fdc')``. Wrap it in ``CachingFoodCatalog`` for the 7-day cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from adapters.nutrition.fdc_wire import FDC_DATA_TYPE_NAMES, FdcFormatError, food_from
from domain.errors import DependencyUnavailable
from domain.nutrition.food import DataType, Food
from domain.nutrition.text import tokens

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc"
MAX_IDS_PER_CALL = 20
MAX_PAGE_SIZE = 200
GENERIC = [FDC_DATA_TYPE_NAMES[t] for t in DataType if t.is_generic]
ALL = [FDC_DATA_TYPE_NAMES[t] for t in DataType]


class FdcApiCatalog:
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout_s: float = 5.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("the FDC API needs a key (PSI_FDC_API_KEY)")
        self._client = client or httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_s),
            headers={"X-Api-Key": api_key, "Accept": "application/json"},
        )
        self._owns_client = client is None

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            response = await self._client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise DependencyUnavailable(
                "fdc", f"FDC API unreachable: {type(exc).__name__}"
            ) from exc
        if response.status_code == 404:
            return None
        if response.status_code == 429 or response.status_code >= 500:
            raise DependencyUnavailable("fdc", f"FDC API answered {response.status_code}")
        if response.status_code >= 400:
            raise DependencyUnavailable(
                "fdc", f"FDC API refused the request ({response.status_code})"
            )
        try:
            return response.json()
        except ValueError as exc:
            raise DependencyUnavailable("fdc", "FDC API answered with invalid JSON") from exc

    def _foods(self, records: Any) -> list[Food]:
        if not isinstance(records, list):
            raise DependencyUnavailable("fdc", "FDC API answer is not a list of foods")
        foods = []
        try:
            for record in records:
                food = food_from(record)
                if food is not None:
                    foods.append(food)
        except (FdcFormatError, ValueError) as exc:
            raise DependencyUnavailable("fdc", f"FDC API answer malformed: {exc}") from exc
        return foods

    async def candidates(
        self, query: str, *, match_all: bool, limit: int, include_branded: bool = True
    ) -> list[Food]:
        words = tokens(query)
        if not words or limit < 1:
            return []
        body = {
            "query": " ".join(words),
            "dataType": ALL if include_branded else GENERIC,
            "pageSize": min(limit, MAX_PAGE_SIZE),
            "pageNumber": 1,
            "requireAllWords": match_all,
        }
        answer = await self._post("/v1/foods/search", body)
        if answer is None:
            return []
        if not isinstance(answer, dict):
            raise DependencyUnavailable("fdc", "FDC search answer is not an object")
        return self._foods(answer.get("foods") or [])[:limit]

    async def get_many(self, food_ids: Sequence[int]) -> list[Food]:
        ids = [i for i in dict.fromkeys(food_ids) if 0 < i < 2**31]
        foods: list[Food] = []
        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            chunk = ids[start : start + MAX_IDS_PER_CALL]
            answer = await self._post("/v1/foods", {"fdcIds": chunk, "format": "full"})
            if answer is not None:
                foods.extend(self._foods(answer))
        return foods
