"""Fridge matching over the whole catalogue with a scikit-learn TF-IDF index.

Each recipe is a document whose terms are its normalised ingredient names
(pantry staples left out). TF-IDF weighs rare ingredients above common ones;
rows are L2-normalised, so the sum of a recipe's squared weights over the
fridge's names is the share of the recipe the fridge covers (1.0 = nothing
missing). Coverage alone would crown two-ingredient recipes, so the score is
the F1 measure (harmonic mean) of that coverage and of the
IDF-weighted share of the fridge the recipe uses.

The index is fitted once (at import), saved as one ``.npz`` file (no pickle),
and loaded at start-up; requests only do a sparse product and a top-k. Allergen
and diet filters are boolean masks computed at build time from the recipes'
derived allergens and diets, so the safety rule costs nothing per request.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.recipes.fridge import PANTRY_STAPLES, FridgeMatch, split_by_fridge
from domain.recipes.recipe import Recipe
from domain.recipes.vocabulary import Allergen, Diet

INDEX_FORMAT = 3
BETA = 1.0
_ALLERGENS = list(Allergen)
_DIETS = list(Diet)
_MASK_CACHE_SIZE = 1024


def _terms(document: Sequence[str]) -> list[str]:
    return list(document)


def catalogue_version(recipes: Iterable[Recipe]) -> str:
    """A digest of everything the index depends on, to tell a stale index apart."""
    digest = hashlib.sha256(f"fridge-index/{INDEX_FORMAT}".encode())
    for recipe in sorted(recipes, key=lambda r: r.id):
        digest.update(recipe.id.bytes)
        digest.update("|".join(recipe.ingredient_names).encode())
        digest.update(",".join(sorted(recipe.allergens)).encode())
        digest.update(",".join(sorted(recipe.diets)).encode())
        digest.update(b"v" if recipe.verified else b"u")
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class FridgeIndex:
    version: str
    recipe_ids: np.ndarray  # (n, 16) uint8: the UUID bytes, rows sorted by id
    vocabulary: dict[str, int]
    terms: np.ndarray  # (V,) names by column
    squared: sparse.csr_matrix  # (n, V) squared TF-IDF weights, rows sum to 1
    presence: sparse.csr_matrix  # (n, V) 1 where the recipe uses the name
    idf_squared: np.ndarray  # (V,) squared IDF per name, 0 for pantry staples
    allergens: np.ndarray  # (n, len(Allergen)) bool
    diets: np.ndarray  # (n, len(Diet)) bool: recipe fits the diet
    verified: np.ndarray  # (n,) bool: every ingredient line recognised
    names_indptr: np.ndarray  # recipe i's names (in recipe order, staples included)
    names_indices: np.ndarray  # are terms[names_indices[indptr[i]:indptr[i+1]]]

    @property
    def size(self) -> int:
        return int(self.recipe_ids.shape[0])

    # --- building and persistence -------------------------------------------------

    @classmethod
    def build(cls, recipes: Sequence[Recipe]) -> FridgeIndex:
        recipes = sorted(recipes, key=lambda r: r.id)
        documents = [
            [n for n in r.ingredient_names if n not in PANTRY_STAPLES] or ["__none__"]
            for r in recipes
        ]
        vectorizer = TfidfVectorizer(analyzer=_terms, binary=True, norm="l2", lowercase=False)
        weights = vectorizer.fit_transform(documents).tocsr()
        vocabulary: dict[str, int] = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        # Staples get a column too, with no weight, so every name can be shown.
        for recipe in recipes:
            for name in recipe.ingredient_names:
                vocabulary.setdefault(name, len(vocabulary))
        width = len(vocabulary)
        weights.resize((len(recipes), width))
        idf_squared = np.zeros(width, dtype=np.float64)
        idf_squared[: len(vectorizer.idf_)] = vectorizer.idf_**2
        if "__none__" in vocabulary:
            idf_squared[vocabulary["__none__"]] = 0.0
        indptr = [0]
        indices: list[int] = []
        for recipe in recipes:
            indices.extend(vocabulary[n] for n in recipe.ingredient_names)
            indptr.append(len(indices))
        terms = np.empty(width, dtype=object)
        for name, column in vocabulary.items():
            terms[column] = name
        names_indices = np.asarray(indices, dtype=np.int32)
        names_indptr = np.asarray(indptr, dtype=np.int64)
        presence = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), names_indices, names_indptr),
            shape=(len(recipes), width),
        )
        presence.sum_duplicates()
        presence.data[:] = 1.0
        return cls(
            version=catalogue_version(recipes),
            recipe_ids=np.frombuffer(b"".join(r.id.bytes for r in recipes), dtype=np.uint8).reshape(
                len(recipes), 16
            ),
            vocabulary=vocabulary,
            terms=terms.astype(str),
            squared=weights.multiply(weights).tocsr().astype(np.float64),
            presence=presence,
            idf_squared=idf_squared,
            allergens=np.array(
                [[a in r.allergens for a in _ALLERGENS] for r in recipes], dtype=bool
            ).reshape(len(recipes), len(_ALLERGENS)),
            diets=np.array([[d in r.diets for d in _DIETS] for r in recipes], dtype=bool).reshape(
                len(recipes), len(_DIETS)
            ),
            verified=np.array([r.verified for r in recipes], dtype=bool),
            names_indptr=names_indptr,
            names_indices=names_indices,
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        squared = self.squared.tocsr()
        presence = self.presence
        temporary = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            temporary,
            format=np.array(INDEX_FORMAT),
            version=np.array(self.version),
            recipe_ids=self.recipe_ids,
            terms=self.terms,
            sq_data=squared.data,
            sq_indices=squared.indices,
            sq_indptr=squared.indptr,
            pr_indices=presence.indices,
            pr_indptr=presence.indptr,
            idf_squared=self.idf_squared,
            allergens=self.allergens,
            diets=self.diets,
            verified=self.verified,
            allergen_names=np.array([a.value for a in _ALLERGENS]),
            diet_names=np.array([d.value for d in _DIETS]),
            names_indptr=self.names_indptr,
            names_indices=self.names_indices,
        )
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> FridgeIndex:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != INDEX_FORMAT:
                raise ValueError(
                    f"{path}: index format {int(data['format'])} is not {INDEX_FORMAT}"
                )
            if list(data["allergen_names"]) != [a.value for a in _ALLERGENS] or list(
                data["diet_names"]
            ) != [d.value for d in _DIETS]:
                raise ValueError(f"{path}: built for other allergen or diet vocabularies")
            terms = data["terms"]
            n, width = data["recipe_ids"].shape[0], terms.shape[0]
            squared = sparse.csr_matrix(
                (data["sq_data"], data["sq_indices"], data["sq_indptr"]), shape=(n, width)
            )
            presence = sparse.csr_matrix(
                (
                    np.ones(data["pr_indices"].shape[0], dtype=np.float32),
                    data["pr_indices"],
                    data["pr_indptr"],
                ),
                shape=(n, width),
            )
            return cls(
                version=str(data["version"]),
                recipe_ids=data["recipe_ids"],
                vocabulary={str(t): i for i, t in enumerate(terms)},
                terms=terms,
                squared=squared,
                presence=presence,
                idf_squared=data["idf_squared"],
                allergens=data["allergens"],
                diets=data["diets"],
                verified=data["verified"],
                names_indptr=data["names_indptr"],
                names_indices=data["names_indices"],
            )

    # --- queries --------------------------------------------------------------------

    def columns(self, names: Iterable[str]) -> list[int]:
        return sorted({self.vocabulary[n] for n in names if n in self.vocabulary})

    def allowed(
        self, allergens: Iterable[Allergen], diets: Iterable[Diet], disliked: Iterable[str] = ()
    ) -> np.ndarray:
        """Rows a person may be offered: none of their allergens, every diet kept.
        People share few distinct preference sets, so masks are kept per set."""
        key = (frozenset(allergens), frozenset(diets), frozenset(disliked))
        masks = self._masks
        mask = masks.get(key)
        if mask is None:
            if len(masks) >= _MASK_CACHE_SIZE:
                masks.clear()
            mask = masks[key] = self._mask(*key)
            mask.flags.writeable = False
        return mask

    def _mask(
        self, allergens: frozenset[Allergen], diets: frozenset[Diet], disliked: frozenset[str]
    ) -> np.ndarray:
        mask = np.ones(self.size, dtype=bool)
        if allergens or diets:
            # Fail closed: a recipe with an unrecognised line may hold anything.
            mask &= self.verified
        allergen_cols = [_ALLERGENS.index(a) for a in allergens]
        if allergen_cols:
            mask &= ~self.allergens[:, allergen_cols].any(axis=1)
        diet_cols = [_DIETS.index(d) for d in diets]
        if diet_cols:
            mask &= self.diets[:, diet_cols].all(axis=1)
        disliked_cols = self.columns(disliked)
        if disliked_cols:
            mask &= self._column_sums(self._presence_by_column, disliked_cols) == 0
        return mask

    def warm(self) -> FridgeIndex:
        """Build the per-process lookup structures now rather than on the first request."""
        _ = self._names, self._ids, self._squared_by_column, self._presence_by_column
        return self

    @cached_property
    def _masks(self) -> dict[tuple[frozenset, frozenset, frozenset], np.ndarray]:
        return {}

    # Column-major copies: a fridge names a handful of columns, so summing their posting
    # lists costs a few microseconds where a product with a dense query vector costs 100s.
    @cached_property
    def _squared_by_column(self) -> sparse.csc_matrix:
        return self.squared.tocsc()

    @cached_property
    def _presence_by_column(self) -> sparse.csc_matrix:
        return self.presence.tocsc()

    def _column_sums(
        self, matrix: sparse.csc_matrix, columns: Sequence[int], weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Row sums over `columns` (each column scaled by weights[column] when given)."""
        indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
        rows = np.concatenate([indices[indptr[c] : indptr[c + 1]] for c in columns])
        values = np.concatenate(
            [
                data[indptr[c] : indptr[c + 1]] * (1.0 if weights is None else weights[c])
                for c in columns
            ]
        ).astype(np.float64, copy=False)
        return np.bincount(rows, weights=values, minlength=self.size)

    @cached_property
    def _names(self) -> list[tuple[str, ...]]:
        terms, indptr = self.terms.tolist(), self.names_indptr.tolist()
        indices = self.names_indices.tolist()
        return [
            tuple(terms[i] for i in indices[indptr[row] : indptr[row + 1]])
            for row in range(self.size)
        ]

    @cached_property
    def _ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(bytes=row.tobytes()) for row in self.recipe_ids]

    def match(
        self,
        fridge: frozenset[str],
        *,
        allergens: Iterable[Allergen] = (),
        diets: Iterable[Diet] = (),
        disliked: Iterable[str] = (),
        limit: int = 10,
    ) -> list[FridgeMatch]:
        columns = self.columns(fridge - PANTRY_STAPLES)
        if not columns or limit <= 0:
            return []
        fridge_weight = float(self.idf_squared[columns].sum())
        if fridge_weight <= 0:
            return []
        coverage = self._column_sums(self._squared_by_column, columns)
        used = (
            self._column_sums(self._presence_by_column, columns, self.idf_squared) / fridge_weight
        )
        beta2 = BETA * BETA
        denominator = beta2 * coverage + used
        scores = np.divide(
            (1 + beta2) * coverage * used,
            denominator,
            out=np.zeros_like(coverage),
            where=denominator > 0,
        )
        scores[~self.allowed(allergens, diets, disliked)] = 0.0
        candidates = np.flatnonzero(scores > 1e-9)
        if candidates.size > limit:
            top = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        # Highest score first; the id (the row order) breaks ties.
        order = sorted(candidates.tolist(), key=lambda row: (-round(float(scores[row]), 6), row))
        results: list[FridgeMatch] = []
        for row in order:
            matched, missing = split_by_fridge(self._names[row], fridge)
            results.append(
                FridgeMatch(self._ids[row], round(float(scores[row]), 4), matched, missing)
            )
        return results
