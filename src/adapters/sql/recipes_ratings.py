"""Recipe ratings on SQL: primary key (user_id, recipe_id), upserted."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, func, select

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.recipes_models import RecipeRatingRow
from domain.recipes.rating import Rating, RatingSummary

_ratings = RecipeRatingRow.__table__
_UPDATED = (
    "rating",
    "comment",
    "tags",
    "preparation_time_actual",
    "difficulty_actual",
    "updated_at",
)


def _to_rating(row) -> Rating:
    return Rating(
        user_id=row.user_id,
        recipe_id=row.recipe_id,
        rating=row.rating,
        comment=row.comment,
        tags=tuple(row.tags or ()),
        preparation_time_actual=row.preparation_time_actual,
        difficulty_actual=row.difficulty_actual,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@translates_failures(DATABASE)
class SqlRecipeRatings:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(self, rating: Rating) -> Rating:
        insert = self._db.insert
        stmt = insert(_ratings).values(
            user_id=rating.user_id,
            recipe_id=rating.recipe_id,
            rating=rating.rating,
            comment=rating.comment,
            tags=list(rating.tags),
            preparation_time_actual=rating.preparation_time_actual,
            difficulty_actual=rating.difficulty_actual,
            created_at=rating.created_at,
            updated_at=rating.updated_at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_ratings.c.user_id, _ratings.c.recipe_id],
            set_={k: stmt.excluded[k] for k in _UPDATED},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)
            row = (
                await conn.execute(
                    select(_ratings).where(
                        _ratings.c.user_id == rating.user_id,
                        _ratings.c.recipe_id == rating.recipe_id,
                    )
                )
            ).one()
        return _to_rating(row)

    async def get(self, user_id: UUID, recipe_id: UUID) -> Rating | None:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_ratings).where(
                        _ratings.c.user_id == user_id, _ratings.c.recipe_id == recipe_id
                    )
                )
            ).first()
        return _to_rating(row) if row else None

    async def delete(self, user_id: UUID, recipe_id: UUID) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                delete(_ratings).where(
                    _ratings.c.user_id == user_id, _ratings.c.recipe_id == recipe_id
                )
            )
        return result.rowcount > 0

    async def summaries(self, recipe_ids: Sequence[UUID]) -> dict[UUID, RatingSummary]:
        if not recipe_ids:
            return {}
        stmt = (
            select(_ratings.c.recipe_id, func.avg(_ratings.c.rating), func.count())
            .where(_ratings.c.recipe_id.in_(list(recipe_ids)))
            .group_by(_ratings.c.recipe_id)
        )
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return {r[0]: RatingSummary(round(float(r[1]), 2), int(r[2])) for r in rows}

    async def for_user(self, user_id: UUID) -> list[Rating]:
        async with self._db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(_ratings)
                    .where(_ratings.c.user_id == user_id)
                    .order_by(_ratings.c.updated_at.desc(), _ratings.c.recipe_id.desc())
                )
            ).all()
        return [_to_rating(r) for r in rows]

    async def delete_for_user(self, user_id: UUID) -> int:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(delete(_ratings).where(_ratings.c.user_id == user_id))
        return int(result.rowcount or 0)
