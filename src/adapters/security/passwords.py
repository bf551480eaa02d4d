"""argon2id password hashing (argon2-cffi) with OWASP's recommended parameters."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True, slots=True)
class Argon2Params:
    # OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (minimum
    # configuration); tests may lower them, production settings may raise them.
    memory_kib: int = 19_456
    time_cost: int = 2
    parallelism: int = 1


class Argon2PasswordHasher:
    def __init__(self, params: Argon2Params | None = None) -> None:
        p = params or Argon2Params()
        self._hasher = _Argon2(
            time_cost=p.time_cost,
            memory_cost=p.memory_kib,
            parallelism=p.parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._dummy_hash = self._hasher.hash("psi-timing-equaliser")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def burn(self, password: str) -> None:
        self.verify(self._dummy_hash, password)
