"""The most an upload may be: larger ones are refused with `UploadTooLarge` before they
are read in full (`entrypoints/http/controllers/food_upload.py`)."""

from __future__ import annotations

UPLOAD_LIMIT = 10 * 1024 * 1024
