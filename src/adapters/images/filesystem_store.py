"""`ImageStore` on the local filesystem (default: a folder under `var/`).

Files are written to a temporary name and renamed into place (a crash leaves
no half image), readable by the service's user only (0600 in 0700 folders).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from PIL import Image

from adapters.failures import Dependency, translates_failures
from adapters.images.keys import check_owner, new_key, parse_key
from domain.errors import NotFound
from domain.food.vision import SanitisedImage

# The disk under the store: full, read-only, gone (a lost mount), permissions changed.
# A missing image is NotFound before this sees it.
IMAGE_STORE = Dependency("image_store", lambda exc: isinstance(exc, OSError))


@translates_failures(IMAGE_STORE)
class FilesystemImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        parse_key(key)  # shape check first: NotFound for anything odd
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise NotFound("no such image")
        return path

    async def put(self, image: SanitisedImage, owner: str) -> str:
        key = new_key(owner, image)
        await asyncio.to_thread(self._write, self._path(key), image.data)
        return key

    def _write(self, path: Path, data: bytes) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    async def get(self, key: str) -> SanitisedImage:
        _, media_type = parse_key(key)
        path = self._path(key)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise NotFound("no such image") from exc
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
        return SanitisedImage(data=data, media_type=media_type, width=width, height=height)

    async def delete(self, key: str) -> bool:
        try:
            path = self._path(key)
        except NotFound:
            return False
        try:
            await asyncio.to_thread(path.unlink)
        except FileNotFoundError:
            return False
        return True

    async def delete_owner(self, owner: str) -> int:
        folder = self.root / check_owner(owner)
        return await asyncio.to_thread(self._remove_folder, folder)

    @staticmethod
    def _remove_folder(folder: Path) -> int:
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        shutil.rmtree(folder)
        return count
