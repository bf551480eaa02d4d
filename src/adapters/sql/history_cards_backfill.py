"""Cards for completed history entries that have none, or one of an older rendering:
run once by migration `0015_history_cards`, after which the list reads cards alone.
A card without a `card_version` was written by this release (the use cases' rendering)
and is current.

Rows are read and written in batches of `BATCH` by id, on the migration's (synchronous)
connection, the same way on Postgres and SQLite. Only the columns an `Analysis` is built
from are selected (by name: the migration must not depend on columns added later).
Running it again renders nothing: a rendered row is marked with `CURRENT_RENDERING` (which
the previous release's processes, still running during a rollout, serve as theirs).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    or_,
    select,
    update,
)

from adapters.sql.food_rows import from_row
from adapters.sql.models import FoodHistoryRow
from application.food.history_view import history_card
from domain.food.analysis import AnalysisStatus

# The rendering the application's cards have had since `0008_food_history_cards` (the
# `card_version` the HTTP layer's renderer gave them); cards of it are kept as they are.
CURRENT_RENDERING = "ddc8ee854b3ce799"
BATCH = 500

_ENTRY = (
    "id",
    "user_id",
    "source",
    "status",
    "created_at",
    "completed_at",
    "eaten_at",
    "image_ref",
    "detected_foods",
    "description",
    "nutrition",
    "confidence_score",
    "analysis_duration_ms",
    "models",
    "error",
    "corrected",
    "attempts",
    "started_at",
    "lease_until",
    "review",
)
# `food_history` as the migration finds it (column types as the model has them).
_model = FoodHistoryRow.__table__
_t = Table(
    "food_history",
    MetaData(),
    *(Column(name, _model.c[name].type) for name in _ENTRY),
    Column("card", Text),
    Column("card_version", String(32)),
)


def backfill_history_cards(conn: Connection) -> int:
    """Render the missing and stale cards of completed entries; how many were rendered."""
    stale = and_(
        _t.c.status == AnalysisStatus.COMPLETED.value,
        or_(_t.c.card.is_(None), _t.c.card_version != CURRENT_RENDERING),  # NULL: current
    )
    write = (
        update(_t)
        .where(_t.c.id == bindparam("row_id"))
        .values(card=bindparam("new_card"), card_version=CURRENT_RENDERING)
    )
    done = 0
    after = None
    while True:
        page = select(*(_t.c[name] for name in _ENTRY)).where(stale).order_by(_t.c.id).limit(BATCH)
        if after is not None:
            page = page.where(_t.c.id > after)
        rows = conn.execute(page).all()
        if not rows:
            return done
        conn.execute(write, [{"row_id": r.id, "new_card": history_card(from_row(r))} for r in rows])
        done += len(rows)
        after = rows[-1].id
