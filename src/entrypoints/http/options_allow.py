"""OPTIONS answers `Allow` with every method of the path.

Litestar registers a router's handlers one at a time: the first handler of a path makes its
route and an OPTIONS handler whose `Allow` reads that route's methods; a later handler of
the same path makes a new route that keeps the old OPTIONS handler, so `Allow` named only
the first method (`GET, OPTIONS` where GET, PATCH and DELETE are served). Each OPTIONS
handler is pointed at the route that finally serves its path.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute


def point_options_at_final_routes(app: Litestar) -> None:
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if handler.http_methods != {"OPTIONS"} or handler.handler_name != "options_handler":
                continue  # only Litestar's generated handler (it is not in the schema)
            for cell in getattr(handler.fn, "__closure__", None) or ():
                if isinstance(cell.cell_contents, HTTPRoute):
                    cell.cell_contents = route
