"""Auth and account endpoints of the contract."""

from __future__ import annotations

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import Response, get, patch, post, put
from litestar.background_tasks import BackgroundTask

from application.accounts.mail import Mailer
from application.accounts.verification import RequestEmailVerification
from application.context import RequestContext
from application.identity.accounts import ChangeTier, GetUser, Register, UpdateProfile
from application.identity.sessions import Login, Logout, Refresh
from application.privacy.consents import GetConsents, UpdateConsents
from domain.identity.tokens import Principal
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.envelopes import Envelope, ok
from entrypoints.http.openapi_docs import errors
from entrypoints.http.params import IdParam, parse_uuid
from entrypoints.http.schemas.identity import (
    ConsentsIn,
    ConsentsOut,
    LoginIn,
    PatchMeIn,
    RefreshIn,
    RegisterIn,
    TierIn,
    TokenOut,
    UserOut,
)


@post(
    "/auth/register",
    status_code=201,
    summary="Create an account",
    description="A verification email goes to the address once the account exists.",
    responses=errors(409),
)
async def register(
    data: RegisterIn,
    use: FromDishka[Register],
    consents: FromDishka[UpdateConsents],
    verification: FromDishka[RequestEmailVerification],
    mailer: FromDishka[Mailer],
) -> Response[Envelope[UserOut]]:
    user = await use(data.email, data.password, data.name)
    if data.consents is not None:
        await consents(
            user.id, biometrics=data.consents.biometrics, food_photos=data.consents.food_photos
        )
    mail = await verification.for_user(user)
    return Response(
        ok(UserOut.of(user)), status_code=201, background=BackgroundTask(mailer.deliver, mail)
    )


@post(
    "/auth/login",
    status_code=200,
    summary="Exchange email and password for tokens",
    responses=errors(401),
)
async def login(
    data: LoginIn, use: FromDishka[Login], context: FromDishka[RequestContext]
) -> Envelope[TokenOut]:
    return ok(TokenOut.of(await use(data.email, data.password, context.client)))


@post(
    "/auth/refresh",
    status_code=200,
    summary="Rotate the refresh token for a new pair",
    responses=errors(401),
)
async def refresh(data: RefreshIn, use: FromDishka[Refresh]) -> Envelope[TokenOut]:
    return ok(TokenOut.of(await use(data.refresh_token)))


@post(
    "/auth/logout",
    status_code=204,
    summary="Revoke this access token and its refresh family",
    security=BEARER,
    responses=errors(401),
)
async def logout(principal: Principal, use: FromDishka[Logout]) -> None:
    await use(principal)


@get("/users/me", summary="The caller's account", security=BEARER, responses=errors(401, 404))
async def get_me(principal: Principal, use: FromDishka[GetUser]) -> Envelope[UserOut]:
    return ok(UserOut.of(await use.me(principal)))


@patch(
    "/users/me",
    summary="Change the caller's name (email, tier and id are not writable)",
    security=BEARER,
    responses=errors(401, 404),
)
async def patch_me(
    principal: Principal, data: PatchMeIn, use: FromDishka[UpdateProfile]
) -> Envelope[UserOut]:
    name = None if data.name is msgspec.UNSET else data.name
    return ok(UserOut.of(await use(principal, name)))


@get(
    "/users/me/consents",
    summary="Consent to process health data",
    security=BEARER,
    responses=errors(401),
)
async def get_consents(principal: Principal, use: FromDishka[GetConsents]) -> Envelope[ConsentsOut]:
    return ok(ConsentsOut.of(await use(principal.user_id)))


@put(
    "/users/me/consents",
    summary="Give or withdraw consent; withdrawal stops processing at once",
    security=BEARER,
    responses=errors(401),
)
async def put_consents(
    principal: Principal, data: ConsentsIn, use: FromDishka[UpdateConsents]
) -> Envelope[ConsentsOut]:
    result = await use(principal.user_id, biometrics=data.biometrics, food_photos=data.food_photos)
    return ok(ConsentsOut.of(result))


@get(
    "/users/{user_id:str}",
    summary="A user record: your own, or any for admins",
    security=BEARER,
    responses=errors(401, 404),
)
async def get_user(
    principal: Principal, user_id: IdParam, use: FromDishka[GetUser]
) -> Envelope[UserOut]:
    return ok(UserOut.of(await use.by_id(principal, parse_uuid(user_id, "user_id"))))


@put(
    "/admin/users/{user_id:str}/tier",
    summary="Set a user's tier (admin only)",
    security=BEARER,
    responses=errors(401, 403, 404),
)
async def set_tier(
    admin: Principal, user_id: IdParam, data: TierIn, use: FromDishka[ChangeTier]
) -> Envelope[UserOut]:
    return ok(UserOut.of(await use(admin, parse_uuid(user_id, "user_id"), data.tier)))


public_router = DishkaRouter(path="/", route_handlers=[register, login, refresh], tags=["auth"])
account_router = DishkaRouter(
    path="/",
    dependencies=AUTH_DEPENDENCIES,
    tags=["account"],
    # GET /users/me/subscription: controllers/accounts.py
    route_handlers=[logout, get_me, patch_me, get_consents, put_consents, get_user, set_tier],
)
ROUTERS = [public_router, account_router]
