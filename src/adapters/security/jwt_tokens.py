"""JWT access and refresh tokens (pyjwt, HS256), per the contract's claims."""

from __future__ import annotations

import secrets
from collections import OrderedDict
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
    """Tokens are verified with pyjwt and an explicit algorithm list. A verified token's
    claims are remembered (bounded LRU) so that the hour of requests a mobile client makes
    with one access token pays for signature checking once; expiry is still judged on
    every call, and revocation is the session store's job."""

    _CACHE_SIZE = 20_000

    def __init__(
        self, secret: str, issuer: str, audience: str, access_ttl_s: int, refresh_ttl_s: int
    ) -> None:
        self._verified: OrderedDict[str, dict] = OrderedDict()
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s

    def issue_access(self, user: User, session_id: UUID, now: datetime) -> IssuedToken:
        return self._issue(
            {
                "sub": str(user.id),
                "email": user.email,
                "tier": user.tier.value,
                "type": "access",
                "sid": str(session_id),
            },
            now,
            self.access_ttl_s,
        )

    def issue_refresh(self, user_id: UUID, session_id: UUID, now: datetime) -> IssuedToken:
        return self._issue(
            {"sub": str(user_id), "type": "refresh", "sid": str(session_id)},
            now,
            self.refresh_ttl_s,
        )

    def _issue(self, claims: dict[str, Any], now: datetime, ttl_s: int) -> IssuedToken:
        jti = secrets.token_urlsafe(16)
        iat = int(now.timestamp())
        exp = iat + ttl_s
        payload = {
            **claims,
            "iat": iat,
            "exp": exp,
            "jti": jti,
            "iss": self._issuer,
            "aud": self._audience,
        }
        token = jwt.encode(payload, self._secret, algorithm=ALGORITHM)
        return IssuedToken(token, jti, now.replace(microsecond=0) + timedelta(seconds=ttl_s))

    def _decode(self, token: str, now: datetime, kind: str, required: list[str]) -> dict:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token, required)
            self._verified[token] = claims
            if len(self._verified) > self._CACHE_SIZE:
                self._verified.popitem(last=False)
        if claims.get("type") != kind:
            raise InvalidToken("Wrong token type")
        # Expiry is judged against the injected clock, not the wall clock.
        if not isinstance(claims["exp"], int) or claims["exp"] <= int(now.timestamp()):
            raise TokenExpired()
        return claims

    def _verify(self, token: str, required: list[str]) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("Malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("Token algorithm not accepted")
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": required, "verify_exp": False, "verify_iat": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken("Token rejected") from exc
        return claims

    def decode_access(self, token: str, now: datetime) -> Principal:
        c = self._decode(token, now, "access", _ACCESS_CLAIMS)
        try:
            return Principal(
                user_id=UUID(c["sub"]),
                email=str(c["email"]),
                tier=Tier(c["tier"]),
                token_id=str(c["jti"]),
                session_id=UUID(c["sid"]),
                issued_at=_ts(c["iat"]),
                expires_at=_ts(c["exp"]),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise InvalidToken("Malformed claims") from exc

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims:
        c = self._decode(token, now, "refresh", _REFRESH_CLAIMS)
        try:
            return RefreshClaims(
                user_id=UUID(c["sub"]),
                token_id=str(c["jti"]),
                session_id=UUID(c["sid"]),
                issued_at=_ts(c["iat"]),
                expires_at=_ts(c["exp"]),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise InvalidToken("Malformed claims") from exc


def _ts(value: Any) -> datetime:

    if not isinstance(value, int | float):
        raise TypeError("timestamp claim")
    return datetime.fromtimestamp(value, UTC)
