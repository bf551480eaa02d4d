"""The fridge index a process serves: loaded from disk, swapped on rebuild, reloaded when
another process (the import command) wrote a newer file."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from adapters.recipes.tfidf_index import FridgeIndex, catalogue_version
from domain.recipes.fridge import FridgeMatch
from domain.recipes.recipe import Recipe
from domain.recipes.vocabulary import Allergen, Diet

log = logging.getLogger(__name__)
RECHECK_S = 5.0


class ServedFridgeIndex:
    """Implements FridgeMatcher and FridgeIndexBuilder over one `.npz` file."""

    def __init__(self, path: Path, recheck_s: float = RECHECK_S) -> None:
        self._path = path
        self._recheck_s = recheck_s
        self._index: FridgeIndex | None = None
        self._mtime: float | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._load()

    @property
    def version(self) -> str | None:
        return self._index.version if self._index is not None else None

    def _load(self) -> None:
        try:
            mtime = self._path.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime == self._mtime:
            return
        try:
            index = FridgeIndex.load(self._path).warm()
        except (OSError, ValueError, KeyError) as exc:  # a stale format: rebuilt at start-up
            log.warning("fridge index %s not loaded: %s", self._path, exc)
            return
        self._index, self._mtime = index, mtime

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self._recheck_s:
            return
        with self._lock:
            self._checked = now
            self._load()

    def match(
        self,
        fridge: frozenset[str],
        *,
        allergens: Iterable[Allergen] = (),
        diets: Iterable[Diet] = (),
        disliked: Iterable[str] = (),
        limit: int = 10,
    ) -> list[FridgeMatch]:
        self._maybe_reload()
        index = self._index
        if index is None:
            return []
        return index.match(fridge, allergens=allergens, diets=diets, disliked=disliked, limit=limit)

    def rebuild(self, recipes: Sequence[Recipe]) -> str:
        index = FridgeIndex.build(recipes).warm()
        index.save(self._path)
        with self._lock:
            self._index = index
            self._mtime = self._path.stat().st_mtime
        return index.version

    def version_of(self, recipes: Sequence[Recipe]) -> str:
        return catalogue_version(recipes)
