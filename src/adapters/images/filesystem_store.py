"""`ImageStore` on the local filesystem (default: a folder under `var/`).

Files are written to a temporary name and renamed into place (a crash leaves
no half image), readable by the service's user only (0600 in 0700 folders).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

from PIL import Image

from adapters.failures import Dependency, translates_failures
from adapters.images.keys import check_owner, new_key, parse_key, variant_key, variants_prefix
from domain.errors import NotFound
from domain.food.vision import SanitisedImage

_ORIGINAL = re.compile(r"[0-9a-f]{32}\.(?:jpg|png)")  # not a variant, not a temporary file
_STORED = re.compile(r"[0-9a-f]{32}(?:\.[a-z0-9]{1,16})?\.(?:jpg|png)")  # and variants

# The disk under the store: full, read-only, gone (a lost mount), permissions changed.
# A missing image is NotFound before this sees it.
IMAGE_STORE = Dependency("image_store", lambda exc: isinstance(exc, OSError))


def _read_no_follow(path: str) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:  # ELOOP: the file is a symlink
        if exc.errno == errno.ELOOP:
            return None
        raise
    with os.fdopen(fd, "rb") as f:
        return f.read()


@translates_failures(IMAGE_STORE)
class FilesystemImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        parse_key(key)  # shape check first: NotFound for anything odd
        return self._inside(key)

    def _inside(self, name: str) -> Path:
        path = (self.root / name).resolve()
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
        return await asyncio.to_thread(
            self._unlink_with_variants, path, variants_prefix(key).rsplit("/", 1)[1]
        )

    @staticmethod
    def _unlink_with_variants(path: Path, stem: str) -> bool:
        for variant in path.parent.glob(f"{stem}*.jpg") if path.parent.is_dir() else ():
            if variant != path:
                with contextlib.suppress(FileNotFoundError):
                    variant.unlink()
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    async def put_variant(self, key: str, variant: str, data: bytes) -> None:
        original = self._path(key)
        target = self._inside(variant_key(key, variant))
        if not await asyncio.to_thread(original.is_file):
            raise NotFound("no such image")
        await asyncio.to_thread(self._write, target, data)

    async def get_variant(self, key: str, variant: str) -> bytes | None:
        try:
            name = variant_key(key, variant)  # shape-checked: no `..`, no absolute path
        except NotFound:
            return None
        # A thumbnail fetch is a hot path: no `resolve()` (a syscall per path component),
        # O_NOFOLLOW refuses a planted symlink instead. A variant is small (a thumbnail is
        # ~15 KB, from the page cache in microseconds): read in the loop, a thread hop
        # costs more than the read. The rare large one (a PNG's JPEG copy) goes to a thread.
        path = os.path.join(self.root, name)
        if variant.startswith("thumb"):
            return _read_no_follow(path)
        return await asyncio.to_thread(_read_no_follow, path)

    async def keys_of(self, owner: str) -> list[str]:
        folder = self.root / check_owner(owner)
        return await asyncio.to_thread(self._list_folder, folder, owner)

    @staticmethod
    def _list_folder(folder: Path, owner: str) -> list[str]:
        if not folder.is_dir():
            return []
        return sorted(
            f"{owner}/{p.name}"
            for p in folder.iterdir()
            if p.is_file() and _STORED.fullmatch(p.name)
        )

    async def delete_owner(self, owner: str) -> int:
        folder = self.root / check_owner(owner)
        return await asyncio.to_thread(self._remove_folder, folder)

    @staticmethod
    def _remove_folder(folder: Path) -> int:
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.iterdir() if p.is_file() and _ORIGINAL.fullmatch(p.name))
        shutil.rmtree(folder)
        return count
