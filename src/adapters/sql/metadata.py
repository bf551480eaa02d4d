"""Every SQL model, imported so that Alembic sees the whole schema in one MetaData.

A feature that adds tables adds its models module here.
"""

from adapters.sql import models  # noqa: F401
from adapters.sql import preferences_models  # noqa: F401
from adapters.sql import recipes_models  # noqa: F401
from adapters.sql import wellness_models  # noqa: F401
from adapters.sql.base import Base

metadata = Base.metadata
