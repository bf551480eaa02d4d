"""Input at the edges of what parsers accept answers 400/413, never 500 (issue 19): dates
at the ends of the calendar, multipart bodies past the parser's limits."""

from __future__ import annotations

import pytest

from tests.api.test_food import CONSENT, UPLOAD
from tests.api.test_identity import assert_error

FAR = ["9999-12-31", "0001-01-01", "0001-01-05"]


@pytest.mark.parametrize("day", FAR)
async def test_dates_at_the_ends_of_the_calendar_are_400(api, client, day):
    _, headers, _ = await api.user()
    for path, params in [
        ("/api/v1/food/history", {"date_to": day}),
        ("/api/v1/food/history", {"date_from": day}),
        ("/api/v1/wellness/scores", {"date_to": day}),
        ("/api/v1/wellness/scores", {"date_from": day}),
        ("/api/v1/emotions", {"to": f"{day}T00:00:00Z"}),
        ("/api/v1/emotions", {"from": f"{day}T23:59:59-05:00"}),
        ("/api/v1/emotions", {"to": f"{day}T00:30:00+14:00"}),
    ]:
        r = await client.get(path, params=params, headers=headers)
        assert_error(r, 400, "PSI-VAL-1001")


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00"])
async def test_timestamps_at_the_ends_of_the_calendar_are_400(api, client, stamp):
    _, headers, _ = await api.user(consents={"biometrics": True, "food_photos": False})
    r = await client.post(
        "/api/v1/mood-check-ins", headers=headers, json={"valence": 1, "timestamp": stamp}
    )
    assert_error(r, 400, "PSI-VAL-1001")


def _multipart(parts: int, header_bytes: int = 0) -> tuple[bytes, str]:
    boundary = "xYzBoundary"
    chunks = []
    for i in range(parts):
        extra = f"X-Pad: {'a' * header_bytes}\r\n" if header_bytes else ""
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n{extra}\r\nv\r\n'
        )
    body = "".join(chunks) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("parts, header_bytes", [(17, 0), (5000, 0), (1, 8 * 1024)])
async def test_multipart_past_the_parser_limits_is_400(api, client, parts, header_bytes):
    _, headers, _ = await api.user(**CONSENT)
    body, content_type = _multipart(parts, header_bytes)
    r = await client.post(UPLOAD, content=body, headers={**headers, "content-type": content_type})
    assert_error(r, 400, "PSI-VAL-1001")
