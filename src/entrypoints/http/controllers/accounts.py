"""Password change and reset, email verification, subscriptions (contract, second wave)."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from application.accounts.mail import Mailer
from application.accounts.passwords import (
    ChangePassword,
    ConfirmPasswordReset,
    RequestPasswordReset,
)
from application.accounts.subscriptions import (
    ApplyPaymentEvent,
    CancelSubscription,
    GetSubscription,
    StartCheckout,
    SubscriptionView,
)
from application.accounts.verification import RequestEmailVerification, VerifyEmail
from application.context import RequestContext
from application.ports.accounts import PaymentGateway
from domain.accounts.email import OutgoingEmail
from domain.identity.tokens import Principal
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.envelopes import Envelope, iso, ok
from entrypoints.http.errors import ErrorEnvelope
from entrypoints.http.openapi_docs import errors
from entrypoints.http.schemas.accounts import (
    AcceptedOut,
    ChangePasswordIn,
    CheckoutIn,
    CheckoutOut,
    PasswordResetConfirmIn,
    PasswordResetIn,
    SubscriptionStateOut,
    VerifyEmailIn,
    WebhookOut,
)
from entrypoints.http.schemas.identity import UserOut


def after_answer(mailer: Mailer, message: OutgoingEmail | None) -> BackgroundTask:
    """Mail goes out once the answer is sent: never slower for an existing account."""
    return BackgroundTask(mailer.deliver, message)


async def send_stashed_mail(request: Request) -> None:
    """`after_response` hook of 204 answers (which cannot carry a background task)."""
    message = getattr(request.state, "outgoing_mail", None)
    if message is not None:
        mailer = await request.app.state.dishka_container.get(Mailer)
        await mailer.deliver(message)


def accepted(mailer: Mailer, message: OutgoingEmail | None) -> Response[Envelope[AcceptedOut]]:
    return Response(ok(AcceptedOut()), status_code=202, background=after_answer(mailer, message))


@post(
    "/auth/password",
    status_code=204,
    security=BEARER,
    after_response=send_stashed_mail,
    summary="Change the password; every other session is revoked",
    description=(
        "Needs the current password. The caller's own session (this access token "
        "and its refresh token) goes on; every other login of the account is "
        "revoked at once, and outstanding reset links stop working. A wrong "
        "current password is 401 PSI-AUTH-1002 (5 tries per 15 minutes, then 429)."
    ),
    responses=errors(401, 404),
)
async def change_password(
    request: Request, principal: Principal, data: ChangePasswordIn, use: FromDishka[ChangePassword]
) -> None:
    request.state.outgoing_mail = await use(principal, data.current_password, data.new_password)


@post(
    "/auth/password-reset",
    status_code=202,
    summary="Email a single-use reset link (valid 1 hour) if the account exists",
    description=(
        "Always 202, whether or not an account has this address. A newer request "
        "replaces the earlier link. Limited per client address and per email "
        "address (429 PSI-RATE-4001)."
    ),
    responses=errors(),
)
async def request_password_reset(
    data: PasswordResetIn,
    use: FromDishka[RequestPasswordReset],
    mailer: FromDishka[Mailer],
    context: FromDishka[RequestContext],
) -> Response[Envelope[AcceptedOut]]:
    return accepted(mailer, await use(data.email, context.client))


@post(
    "/auth/password-reset/confirm",
    status_code=204,
    summary="Set a new password with the emailed token; every session is revoked",
    description=(
        "A token that is unknown, used, superseded or expired is 400 with "
        "details.errors[0].field == 'token'. The email address counts as verified."
    ),
    responses=errors(),
)
async def confirm_password_reset(
    data: PasswordResetConfirmIn, use: FromDishka[ConfirmPasswordReset]
) -> None:
    await use(data.token, data.new_password)


@post(
    "/auth/verify-email/request",
    status_code=202,
    security=BEARER,
    summary="Email a verification link to the account's address",
    description="Nothing is sent when the address is already verified (still 202).",
    responses=errors(401, 404),
)
async def request_verification(
    principal: Principal, use: FromDishka[RequestEmailVerification], mailer: FromDishka[Mailer]
) -> Response[Envelope[AcceptedOut]]:
    return accepted(mailer, await use(principal))


@post(
    "/auth/verify-email",
    status_code=200,
    summary="Confirm the email address with the emailed token",
    description="Answers the account with `email_verified: true`. Needs no session.",
    responses=errors(),
)
async def verify_email(data: VerifyEmailIn, use: FromDishka[VerifyEmail]) -> Envelope[UserOut]:
    return ok(UserOut.of(await use(data.token)))


def _state(view: SubscriptionView) -> SubscriptionStateOut:
    return SubscriptionStateOut(
        tier=view.tier,
        status=view.status,
        plan=view.plan,
        trial_ends_at=iso(view.trial_ends_at),
        current_period_end=iso(view.current_period_end),
        cancel_at_period_end=view.cancel_at_period_end,
    )


@get(
    "/users/me/subscription",
    summary="The caller's tier and paid subscription",
    description=(
        "`status` is `none` without a paid subscription. Premium lasts while "
        "trialing, active, or past_due within the grace period."
    ),
    security=BEARER,
    responses=errors(401, 404),
)
async def get_subscription(
    principal: Principal, use: FromDishka[GetSubscription]
) -> Envelope[SubscriptionStateOut]:
    return ok(_state(await use(principal)))


@post(
    "/users/me/subscription/checkout",
    status_code=201,
    security=BEARER,
    summary="Start a Stripe Checkout for Premium (first subscription: with a free trial)",
    description=(
        "Open `checkout_url` in a browser. The tier changes when Stripe reports "
        "the payment (webhook), on the next request of every token. Without "
        "payment settings: 503 PSI-SYS-5003 with details.dependency 'payments'. "
        "A running subscription: 409 PSI-PAY-7001."
    ),
    responses={
        **errors(401, 404),
        409: ResponseSpec(
            data_container=ErrorEnvelope,
            generate_examples=False,
            description="A paid subscription is already running (PSI-PAY-7001)",
        ),
    },
)
async def start_checkout(
    principal: Principal, data: CheckoutIn, use: FromDishka[StartCheckout]
) -> Envelope[CheckoutOut]:
    return ok(CheckoutOut(checkout_url=await use(principal, data.plan)))


@post(
    "/users/me/subscription/cancel",
    status_code=200,
    security=BEARER,
    summary="Cancel at the end of the paid period (Premium stays until then)",
    description="No running subscription: 404.",
    responses=errors(401, 404),
)
async def cancel_subscription(
    principal: Principal, use: FromDishka[CancelSubscription]
) -> Envelope[SubscriptionStateOut]:
    return ok(_state(await use(principal)))


@post(
    "/webhooks/stripe",
    status_code=200,
    request_max_body_size=512 * 1024,
    summary="Stripe events (signature verified, idempotent per event id)",
    description=(
        "Verified with the `Stripe-Signature` header (400 when it does not "
        "verify; 503 when no webhook secret is configured). Handles "
        "checkout.session.completed, customer.subscription.created/updated/"
        "deleted and invoice.payment_failed; an event already applied, or older "
        "than the last one applied to its subscription, is acknowledged and "
        "ignored (`applied: false`). Not under the per-address rate limit: the "
        "signature is checked before anything else."
    ),
    responses=errors(413, rate_limited=False),
)
async def stripe_webhook(
    request: Request,
    gateway: FromDishka[PaymentGateway],
    use: FromDishka[ApplyPaymentEvent],
    stripe_signature: Annotated[
        str | None,
        Parameter(
            header="Stripe-Signature",
            max_length=4096,
            description="t=<unix time>,v1=<HMAC-SHA256 of 't.body'>",
        ),
    ] = None,
) -> Envelope[WebhookOut]:
    event = gateway.parse_event(await request.body(), stripe_signature)
    return ok(WebhookOut(received=True, applied=await use(event)))


public_router = DishkaRouter(
    path="/",
    tags=["auth"],
    route_handlers=[request_password_reset, confirm_password_reset, verify_email],
)
webhook_router = DishkaRouter(path="/", tags=["webhooks"], route_handlers=[stripe_webhook])
subscription_router = DishkaRouter(
    path="/",
    dependencies=AUTH_DEPENDENCIES,
    tags=["account"],
    route_handlers=[get_subscription, start_checkout, cancel_subscription],
)
account_router = DishkaRouter(
    path="/",
    dependencies=AUTH_DEPENDENCIES,
    tags=["auth"],
    route_handlers=[change_password, request_verification],
)
ROUTERS = [public_router, account_router, subscription_router, webhook_router]
