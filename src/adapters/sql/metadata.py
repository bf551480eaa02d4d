"""Every SQL model, imported so that Alembic sees the whole schema in one MetaData.

A feature that adds tables adds its models module here.
"""

from adapters.sql import (
    accounts_models,  # noqa: F401
    models,  # noqa: F401
    nutrition_models,  # noqa: F401
    preferences_models,  # noqa: F401
    ratelimit,  # noqa: F401
    recipes_models,  # noqa: F401
    wellness_models,  # noqa: F401
)
from adapters.sql.base import Base

metadata = Base.metadata
