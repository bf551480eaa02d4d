"""Every SQL model, imported so that Alembic sees the whole schema in one MetaData.

A feature that adds tables adds its models module here.
"""

from adapters.sql import models  # noqa: F401
from adapters.sql.base import Base

metadata = Base.metadata
