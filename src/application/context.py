"""Ambient correlation data for the current unit of work (an HTTP request or a job).

Set by the entrypoint, read by use cases that record audit events. Never holds
personal data.
"""

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("psi_request_id", default=None)
