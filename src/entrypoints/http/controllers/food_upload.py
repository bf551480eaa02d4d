"""Reading `POST /food/upload`'s multipart body as a stream.

The `file` part is collected up to the 10 MB limit and the request is refused the
moment one byte more arrives (413 PSI-FOOD-2002): the rest is never read. A
Content-Length that already says "too big" is refused before reading anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import multipart
from litestar import Request

from adapters.images.size_guard import UPLOAD_LIMIT
from domain.errors import UploadTooLarge, ValidationFailed

FIELD = "file"
ENVELOPE_SLACK = 64 * 1024  # multipart headers and boundaries around the file


def _boundary(content_type: str) -> str:
    kind, options = multipart.parse_options_header(content_type)
    if kind != "multipart/form-data" or not options.get("boundary"):
        raise ValidationFailed.single(FIELD, "send the photo as multipart/form-data field 'file'")
    return options["boundary"]


async def read_upload(request: Request, limit: int = UPLOAD_LIMIT) -> bytes:
    boundary = _boundary(request.headers.get("content-type", ""))
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + ENVELOPE_SLACK:
        raise UploadTooLarge(f"upload exceeds {limit} bytes", limit_bytes=limit)
    return await _file_part(request.stream(), boundary, limit)


async def _file_part(chunks: AsyncIterator[bytes], boundary: str, limit: int) -> bytes:
    data = bytearray()
    found = False
    current: str | None = None
    try:
        with multipart.PushMultipartParser(boundary, max_segment_count=16) as parser:
            async for chunk in chunks:
                if not chunk:
                    continue
                for event in parser.parse(chunk):
                    if isinstance(event, multipart.MultipartSegment):
                        current = event.name
                        if current == FIELD:
                            if found:
                                raise ValidationFailed.single(FIELD, "send exactly one file")
                            found = True
                    elif event is None:
                        current = None
                    elif current == FIELD:
                        if len(data) + len(event) > limit:
                            raise UploadTooLarge(f"upload exceeds {limit} bytes", limit_bytes=limit)
                        data += event
                if parser.closed:
                    break
    except multipart.ParserLimitReached as exc:  # too many parts, a part header too long
        raise ValidationFailed.single(
            FIELD, "multipart body exceeds the parser's limits (16 parts, 4 KB of headers per part)"
        ) from exc
    except multipart.MultipartError as exc:  # every other parser error (ParserError, ...)
        raise ValidationFailed.single(FIELD, "malformed multipart body") from exc
    if not found:
        raise ValidationFailed.single(FIELD, "a multipart field named 'file' is required")
    return bytes(data)
