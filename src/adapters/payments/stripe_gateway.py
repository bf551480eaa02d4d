"""PaymentGateway on Stripe, with the official SDK (async calls over httpx).

Checkout sessions carry the Psi user id (`client_reference_id` and metadata on the session
and on the subscription it creates), so every later event finds its account. Webhook
payloads are verified with `stripe.WebhookSignature.verify_header` (HMAC and a 5-minute
timestamp tolerance) before anything else reads them, then read once as plain JSON.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import stripe

from application.ports.accounts import CheckoutRequest, PaymentEvent, ProviderSubscription
from domain.accounts.subscriptions import Plan
from domain.errors import DependencyUnavailable, ValidationFailed

DEPENDENCY = "payments"

# The SDK logs request and response bodies (an email address, ids) at DEBUG: never those.
logging.getLogger("stripe").setLevel(logging.INFO)


def _when(epoch: Any) -> datetime | None:
    return datetime.fromtimestamp(int(epoch), UTC) if isinstance(epoch, int | float) else None


def _uuid(raw: Any) -> UUID | None:
    try:
        return UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _id(value: Any) -> str | None:
    """A reference that may be an id or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


class StripeGateway:
    def __init__(
        self,
        secret_key: str | None,
        webhook_secret: str | None,
        prices: dict[Plan, str | None],
        *,
        api_base: str | None = None,
        timeout_s: float = 10.0,
        success_url: str,
        cancel_url: str,
    ) -> None:
        self._prices = {plan: price for plan, price in prices.items() if price}
        self._plans = {price: plan for plan, price in self._prices.items()}
        self._webhook_secret = webhook_secret
        self._success_url = success_url
        self._cancel_url = cancel_url
        self._client: stripe.StripeClient | None = None
        if secret_key and len(self._prices) == len(Plan):
            self._client = stripe.StripeClient(
                secret_key,
                base_addresses={"api": api_base} if api_base else None,
                http_client=stripe.HTTPXClient(timeout=timeout_s),
                max_network_retries=1,
            )

    @property
    def configured(self) -> bool:
        return self._client is not None

    def _require(self) -> stripe.StripeClient:
        if self._client is None:
            raise DependencyUnavailable(DEPENDENCY, "payments are not configured")
        return self._client

    async def create_checkout(self, request: CheckoutRequest) -> str:
        client = self._require()
        meta = {"user_id": str(request.user_id), "plan": request.plan.value}
        subscription_data: dict[str, Any] = {"metadata": meta}
        if request.trial_days > 0:
            subscription_data["trial_period_days"] = request.trial_days
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [{"price": self._prices[request.plan], "quantity": 1}],
            "client_reference_id": str(request.user_id),
            "metadata": {**meta, "trial": "1" if request.trial_days > 0 else "0"},
            "subscription_data": subscription_data,
            "success_url": self._success_url,
            "cancel_url": self._cancel_url,
        }
        if request.customer_id:
            params["customer"] = request.customer_id
        else:
            params["customer_email"] = request.email
        try:
            session = await client.v1.checkout.sessions.create_async(params=params)  # type: ignore[arg-type]  # a plain dict of the typed params
        except stripe.StripeError as exc:
            raise DependencyUnavailable(DEPENDENCY) from exc
        url = session.get("url")
        if not isinstance(url, str) or not url:
            raise DependencyUnavailable(DEPENDENCY, "checkout session without a URL")
        return url

    async def cancel_at_period_end(self, subscription_id: str) -> ProviderSubscription:
        client = self._require()
        try:
            sub = await client.v1.subscriptions.update_async(
                subscription_id, params={"cancel_at_period_end": True}
            )
        except stripe.StripeError as exc:
            raise DependencyUnavailable(DEPENDENCY) from exc
        return self._subscription(json.loads(str(sub)))  # str(): the object as JSON

    async def cancel_now(self, subscription_id: str) -> None:
        client = self._require()
        try:
            await client.v1.subscriptions.cancel_async(subscription_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return
            raise DependencyUnavailable(DEPENDENCY) from exc
        except stripe.StripeError as exc:
            raise DependencyUnavailable(DEPENDENCY) from exc

    async def delete_customer(self, customer_id: str) -> None:
        client = self._require()
        try:
            await client.v1.customers.delete_async(customer_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return  # already gone
            raise DependencyUnavailable(DEPENDENCY) from exc
        except stripe.StripeError as exc:
            raise DependencyUnavailable(DEPENDENCY) from exc

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        if not self._webhook_secret:
            raise DependencyUnavailable(DEPENDENCY, "webhook secret is not configured")
        try:
            # The signature before the body is parsed: a forged event costs one HMAC.
            stripe.WebhookSignature.verify_header(
                payload.decode(),
                signature or "",
                self._webhook_secret,
                stripe.Webhook.DEFAULT_TOLERANCE,
            )
            return self._event(json.loads(payload))
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as exc:
            raise ValidationFailed.single(
                "Stripe-Signature", "payload or signature does not verify"
            ) from exc

    # Wire format -> Psi ------------------------------------------------------------
    def _event(self, event: dict[str, Any]) -> PaymentEvent:
        kind, obj = event["type"], event["data"]["object"]
        created = int(event["created"])
        sub: ProviderSubscription | None = None
        trial = False
        if kind == "checkout.session.completed":
            meta = obj.get("metadata") or {}
            sub_id = _id(obj.get("subscription"))
            trial = meta.get("trial") == "1"
            if sub_id:
                sub = ProviderSubscription(
                    subscription_id=sub_id,
                    customer_id=_id(obj.get("customer")),
                    status=None,
                    plan=self._plan(meta.get("plan"), None),
                    trial_ends_at=None,
                    current_period_end=None,
                    cancel_at_period_end=False,
                    user_id=_uuid(obj.get("client_reference_id")) or _uuid(meta.get("user_id")),
                )
        elif kind.startswith("customer.subscription."):
            sub = self._subscription(obj)
        elif kind == "invoice.payment_failed":
            parent = (obj.get("parent") or {}).get("subscription_details") or {}
            sub_id = _id(obj.get("subscription")) or _id(parent.get("subscription"))
            meta = (
                parent.get("metadata") or obj.get("subscription_details", {}).get("metadata") or {}
            )
            if sub_id:
                sub = ProviderSubscription(
                    subscription_id=sub_id,
                    customer_id=_id(obj.get("customer")),
                    status="past_due",
                    plan=self._plan(meta.get("plan"), None),
                    trial_ends_at=None,
                    current_period_end=None,
                    cancel_at_period_end=False,
                    user_id=_uuid(meta.get("user_id")),
                )
        return PaymentEvent(
            id=str(event["id"]), type=str(kind), created=created, subscription=sub, trial=trial
        )

    def _plan(self, named: Any, price: Any) -> Plan | None:
        if isinstance(price, str) and price in self._plans:
            return self._plans[price]
        try:
            return Plan(named) if named else None
        except ValueError:
            return None

    def _subscription(self, obj: dict[str, Any]) -> ProviderSubscription:
        items = (obj.get("items") or {}).get("data") or [{}]
        first = items[0] if items else {}
        price = first.get("price") or {}
        meta = obj.get("metadata") or {}
        # Since API version 2025-03-31 the period lives on the items.
        period_end = obj.get("current_period_end", first.get("current_period_end"))
        return ProviderSubscription(
            subscription_id=str(obj["id"]),
            customer_id=_id(obj.get("customer")),
            status=obj.get("status"),
            plan=self._plan(
                meta.get("plan"), price.get("id") if isinstance(price, dict) else price
            ),
            trial_ends_at=_when(obj.get("trial_end")),
            current_period_end=_when(period_end),
            cancel_at_period_end=bool(obj.get("cancel_at_period_end")),
            user_id=_uuid(meta.get("user_id")),
        )
