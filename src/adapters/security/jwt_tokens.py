"""JWT access and refresh tokens (pyjwt, HS256), per the contract's claims."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from domain.errors import InvalidToken, TokenExpired
from domain.identity.model import Tier, User
from domain.identity.tokens import IssuedToken, Principal, RefreshClaims

ALGORITHM = "HS256"
_ACCESS_CLAIMS = ["sub", "email", "tier", "iat", "exp", "jti", "iss", "aud", "type", "sid"]
_REFRESH_CLAIMS = ["sub", "iat", "exp", "jti", "iss", "aud", "type", "sid"]


class JwtTokenCodec:
    def __init__(self, secret: str, issuer: str, audience: str, access_ttl_s: int,
                 refresh_ttl_s: int) -> None:
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s

    def issue_access(self, user: User, session_id: UUID, now: datetime) -> IssuedToken:
        return self._issue({"sub": str(user.id), "email": user.email, "tier": user.tier.value,
                            "type": "access", "sid": str(session_id)}, now, self.access_ttl_s)

    def issue_refresh(self, user_id: UUID, session_id: UUID, now: datetime) -> IssuedToken:
        return self._issue({"sub": str(user_id), "type": "refresh", "sid": str(session_id)},
                           now, self.refresh_ttl_s)

    def _issue(self, claims: dict[str, Any], now: datetime, ttl_s: int) -> IssuedToken:
        jti = secrets.token_urlsafe(16)
        iat = int(now.timestamp())
        exp = iat + ttl_s
        payload = {**claims, "iat": iat, "exp": exp, "jti": jti, "iss": self._issuer,
                   "aud": self._audience}
        token = jwt.encode(payload, self._secret, algorithm=ALGORITHM)
        return IssuedToken(token, jti, now.replace(microsecond=0) + timedelta(seconds=ttl_s))

    def _decode(self, token: str, now: datetime, kind: str, required: list[str]) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("Malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("Token algorithm not accepted")
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=[ALGORITHM], audience=self._audience,
                issuer=self._issuer,
                options={"require": required, "verify_exp": False, "verify_iat": False})
        except jwt.PyJWTError as exc:
            raise InvalidToken("Token rejected") from exc
        if claims.get("type") != kind:
            raise InvalidToken("Wrong token type")
        # Expiry is judged against the injected clock, not the wall clock.
        if not isinstance(claims["exp"], int) or claims["exp"] <= int(now.timestamp()):
            raise TokenExpired()
        return claims

    def decode_access(self, token: str, now: datetime) -> Principal:
        c = self._decode(token, now, "access", _ACCESS_CLAIMS)
        try:
            return Principal(user_id=UUID(c["sub"]), email=str(c["email"]), tier=Tier(c["tier"]),
                             token_id=str(c["jti"]), session_id=UUID(c["sid"]),
                             issued_at=_ts(c["iat"]), expires_at=_ts(c["exp"]))
        except (ValueError, TypeError) as exc:
            raise InvalidToken("Malformed claims") from exc

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims:
        c = self._decode(token, now, "refresh", _REFRESH_CLAIMS)
        try:
            return RefreshClaims(user_id=UUID(c["sub"]), token_id=str(c["jti"]),
                                 session_id=UUID(c["sid"]), issued_at=_ts(c["iat"]),
                                 expires_at=_ts(c["exp"]))
        except (ValueError, TypeError) as exc:
            raise InvalidToken("Malformed claims") from exc


def _ts(value: Any) -> datetime:

    if not isinstance(value, int | float):
        raise TypeError("timestamp claim")
    return datetime.fromtimestamp(value, UTC)
