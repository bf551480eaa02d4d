"""The history's `food` filter keys (`food_history.food_names`) recomputed with today's
normaliser: run by migration `0016_food_name_keys` after the one singulariser replaced two
that disagreed (`kiwis`, `quiches`, `feet`, accents and `&` now key as they are searched),
so a filter finds old entries as well as new ones.

Batches of `BATCH` rows by id, on the migration's synchronous connection, the same way on
Postgres and SQLite; only rows whose keys change are written, so a second run writes
nothing."""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, Table, bindparam, select, update

from adapters.sql.base import GUID, JsonB
from domain.food.analysis import food_keys

BATCH = 500

_t = Table(
    "food_history",
    MetaData(),
    Column("id", GUID, primary_key=True),
    Column("detected_foods", JsonB),
    Column("food_names", JsonB),
)


def rekey_food_names(conn: Connection) -> int:
    """Rewrite the keys that today's normaliser makes differently; how many rows changed."""
    write = (
        update(_t)
        .where(_t.c.id == bindparam("row_id"))
        .values(food_names=bindparam("keys"))
        .execution_options(synchronize_session=False)
    )
    changed = 0
    last = None
    while True:
        query = select(_t.c.id, _t.c.detected_foods, _t.c.food_names).order_by(_t.c.id)
        if last is not None:
            query = query.where(_t.c.id > last)
        rows = conn.execute(query.limit(BATCH)).all()
        if not rows:
            return changed
        last = rows[-1].id
        updates = []
        for row in rows:
            keys = food_keys(item["food"] for item in row.detected_foods or () if item.get("food"))
            if keys != list(row.food_names or ()):
                updates.append({"row_id": row.id, "keys": keys})
        if updates:
            conn.execute(write, updates)
            changed += len(updates)
