"""A local HTTP server speaking Stripe's wire format for the calls Psi makes, and webhook
payloads signed the way Stripe signs them.

Requests arrive form-encoded (`line_items[0][price]=...`) with `Authorization: Bearer
sk_...`; answers are JSON objects shaped like Stripe's, errors as
`{"error": {"type", "code", "message"}}` with Stripe's status codes.

    with FakeStripe() as stripe_server:
        settings = ...(stripe_api_base=stripe_server.base_url, stripe_secret_key=KEY)
        stripe_server.requests  # [(method, path, {form fields})]
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

KEY = "sk_test_psi_fake"
WEBHOOK_SECRET = "whsec_psi_fake_secret"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header: t=<unix time>,v1=HMAC-SHA256(secret, "t.payload")."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(kind: str, obj: dict[str, Any], created: int, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(8)}",
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": created,
            "type": kind,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None},
            "data": {"object": obj},
        }
    ).encode()


def checkout_session(
    user_id: str, subscription: str, customer: str, plan: str, trial: bool = True
) -> dict[str, Any]:
    return {
        "id": f"cs_test_{secrets.token_hex(6)}",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": "paid",
        "client_reference_id": user_id,
        "customer": customer,
        "subscription": subscription,
        "metadata": {"user_id": user_id, "plan": plan, "trial": "1" if trial else "0"},
    }


def subscription(
    sub_id: str,
    customer: str,
    status: str,
    *,
    user_id: str | None = None,
    plan: str | None = "premium_monthly",
    price: str = "price_monthly",
    trial_end: int | None = None,
    period_end: int | None = None,
    cancel_at_period_end: bool = False,
    period_on_items: bool = True,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"si_{secrets.token_hex(6)}",
        "object": "subscription_item",
        "price": {"id": price, "object": "price"},
        "quantity": 1,
    }
    obj: dict[str, Any] = {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": cancel_at_period_end,
        "trial_end": trial_end,
        "metadata": {k: v for k, v in {"user_id": user_id, "plan": plan}.items() if v},
        "items": {"object": "list", "data": [item]},
    }
    # API versions since 2025-03-31 put the period on the items.
    (item if period_on_items else obj)["current_period_end"] = period_end
    return obj


def invoice_failed(sub_id: str, customer: str) -> dict[str, Any]:
    return {
        "id": f"in_{secrets.token_hex(6)}",
        "object": "invoice",
        "customer": customer,
        "status": "open",
        "billing_reason": "subscription_cycle",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": sub_id, "metadata": {}},
        },
    }


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.customers: set[str] = set()
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("request-id", f"req_{secrets.token_hex(6)}")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode())) if length else {}
                fake.requests.append((method, self.path, form))
                if self.headers.get("authorization") != f"Bearer {KEY}":
                    self._answer(
                        401,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "Invalid API Key provided",
                            }
                        },
                    )
                    return
                if fake.fail_with:
                    self._answer(
                        fake.fail_with, {"error": {"type": "api_error", "message": "unavailable"}}
                    )
                    return
                self._route(method, self.path, form)

            def _route(self, method: str, path: str, form: dict[str, str]) -> None:
                if method == "POST" and path == "/v1/checkout/sessions":
                    sid = f"cs_test_{secrets.token_hex(8)}"
                    self._answer(
                        200,
                        {
                            "id": sid,
                            "object": "checkout.session",
                            "mode": form.get("mode"),
                            "status": "open",
                            "url": f"https://checkout.stripe.com/c/pay/{sid}",
                            "client_reference_id": form.get("client_reference_id"),
                            "customer": form.get("customer"),
                            "subscription": None,
                        },
                    )
                elif method == "POST" and path.startswith("/v1/subscriptions/"):
                    sub = fake.subscriptions.get(path.rsplit("/", 1)[1])
                    if sub is None:
                        self._missing("subscription")
                        return
                    if "cancel_at_period_end" in form:
                        sub["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
                    self._answer(200, sub)
                elif method == "DELETE" and path.startswith("/v1/subscriptions/"):
                    sub = fake.subscriptions.get(path.rsplit("/", 1)[1])
                    if sub is None:
                        self._missing("subscription")
                        return
                    sub["status"] = "canceled"
                    self._answer(200, sub)
                elif method == "DELETE" and path.startswith("/v1/customers/"):
                    cid = path.rsplit("/", 1)[1]
                    if cid not in fake.customers:
                        self._missing("customer")
                        return
                    fake.customers.discard(cid)
                    self._answer(200, {"id": cid, "object": "customer", "deleted": True})
                else:
                    self._answer(
                        404,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": "Unrecognized request URL",
                            }
                        },
                    )

            def _missing(self, what: str) -> None:
                self._answer(
                    404,
                    {
                        "error": {
                            "type": "invalid_request_error",
                            "code": "resource_missing",
                            "message": f"No such {what}",
                        }
                    },
                )

            def do_POST(self) -> None:
                self._handle("POST")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def calls(self, method: str, prefix: str) -> list[dict[str, str]]:
        return [form for m, path, form in self.requests if m == method and path.startswith(prefix)]
