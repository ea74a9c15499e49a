"""Webhooks against a real HTTP server on 127.0.0.1: the signature verifies over the raw body, a
500 is retried (exponential backoff, bounded) until it succeeds, a 4xx is not retried, a finished
photo triggers the delivery through the signal and the queue; the settings page and the API."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.webapp.integrations.conftest import bearer, stored_photo
from webapp.integrations import services, tasks
from webapp.integrations.models import Webhook

pytestmark = pytest.mark.django_db
SECRET = "a-long-shared-secret-for-tests"


def receiver_verifies(secret: str, body: bytes, header: str) -> bool:
    """What a receiver written from the README does (independent of the app's own helper)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_signed_delivery_to_a_real_server(user, receiver) -> None:  # noqa: ANN001
    services.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg", ("dog", "dog"))
    assert services.deliver_webhook(photo.pk) == "delivered"
    (request,) = receiver.requests
    assert request["path"] == "/hooks/alt"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert receiver_verifies(SECRET, request["body"], request["headers"]["X-Signature"])
    assert services.verify_signature(SECRET, request["body"], request["headers"]["X-Signature"])
    # A changed body, or another secret, does not verify.
    assert not receiver_verifies(SECRET, request["body"] + b" ", request["headers"]["X-Signature"])
    assert not receiver_verifies("another secret entirely", request["body"], request["headers"]["X-Signature"])
    payload = json.loads(request["body"])
    assert payload["event"] == "photo.described" and payload["photo"]["id"] == photo.pk
    assert payload["photo"]["alt_text"] == photo.suggested_alt and "dog" in photo.suggested_alt.lower()
    assert [o["label"] for o in payload["photo"]["objects"]] == ["dog", "dog"]
    hook = Webhook.objects.get(user=user)
    assert hook.last_ok is True and "HTTP 200" in hook.last_result


def test_a_500_is_retried_then_succeeds(user, receiver, eager_tasks) -> None:  # noqa: ANN001
    services.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg")
    receiver.statuses = [500, 503]
    result = tasks.send_webhook.apply(args=[photo.pk])
    assert result.get() == "delivered"
    assert len(receiver.requests) == 3
    # Every attempt carries the same body (same delivery id) and a valid signature.
    assert len({r["body"] for r in receiver.requests}) == 1
    assert all(receiver_verifies(SECRET, r["body"], r["headers"]["X-Signature"]) for r in receiver.requests)


def test_retries_are_bounded_with_exponential_backoff(user, receiver, eager_tasks) -> None:  # noqa: ANN001
    task = tasks.send_webhook
    assert task.autoretry_for == (services.WebhookRetry,)
    assert task.retry_backoff and task.retry_backoff_max <= 600 and task.retry_jitter
    assert 1 <= task.max_retries <= 10
    services.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg")
    receiver.statuses = [500] * 50
    result = task.apply(args=[photo.pk])
    assert result.failed() and isinstance(result.result, services.WebhookRetry)
    assert len(receiver.requests) == task.max_retries + 1
    assert Webhook.objects.get(user=user).last_ok is False


def test_a_4xx_is_not_retried_and_an_unreachable_address_is(user, receiver, eager_tasks) -> None:  # noqa: ANN001
    services.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg")
    receiver.statuses = [410]
    assert tasks.send_webhook.apply(args=[photo.pk]).get() == "refused"
    assert len(receiver.requests) == 1
    assert "HTTP 410" in Webhook.objects.get(user=user).last_result
    # Nothing listens on port 9 of this machine: a network error is worth retrying.
    services.save_webhook(user, "http://127.0.0.1:9/hook")
    with pytest.raises(services.WebhookRetry):
        services.deliver_webhook(photo.pk)


def test_a_finished_photo_is_posted_through_the_signal(  # noqa: ANN001
    user, other_user, receiver, eager_tasks, django_capture_on_commit_callbacks
) -> None:
    services.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg", capture=django_capture_on_commit_callbacks)
    (request,) = receiver.requests
    assert json.loads(request["body"])["photo"]["id"] == photo.pk
    # No webhook (another user) or a paused one: nothing is sent.
    stored_photo(other_user, "theirs.jpg", capture=django_capture_on_commit_callbacks)
    services.save_webhook(user, receiver.url, active=False)
    stored_photo(user, "paused.jpg", capture=django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("url", "secret", "message"),
    [
        ("ftp://example.org/x", None, "http://"),
        ("not a url", None, "http://"),
        ("https://user:pw@example.org/", None, "no user name"),
        ("https://example.org/hook", "short", "16 to 128"),
    ],
)
def test_bad_settings_are_refused(user, url: str, secret: str | None, message: str) -> None:  # noqa: ANN001
    with pytest.raises(services.WebhookInvalid, match=message):
        services.save_webhook(user, url, secret=secret)
    assert not Webhook.objects.filter(user=user).exists()


def test_settings_page(client, user) -> None:  # noqa: ANN001
    client.force_login(user)
    page = client.get("/webhook/")
    assert page.status_code == 200 and page.content.decode().count("<h1") == 1
    bad = client.post("/webhook/", {"url": "nope", "active": "on"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    saved = client.post("/webhook/", {"url": "https://cms.example.org/hook", "active": "on"})
    hook = Webhook.objects.get(user=user)
    assert saved.status_code == 200 and hook.secret in saved.content.decode()  # shown once, after creation
    assert hook.secret not in client.get("/webhook/").content.decode()
    client.post("/webhook/", {"url": "https://cms.example.org/hook2", "secret": ""})
    hook2 = Webhook.objects.get(user=user)
    assert hook2.secret == hook.secret and hook2.url.endswith("hook2") and hook2.is_active is False
    renewed = client.post("/webhook/", {"action": "new-secret"})
    assert Webhook.objects.get(user=user).secret != hook.secret
    assert Webhook.objects.get(user=user).secret in renewed.content.decode()
    client.post("/webhook/", {"action": "delete"})
    assert not Webhook.objects.filter(user=user).exists()
    assert 'href="/webhook/"' in client.get("/account/").content.decode()


def test_webhook_api(client, user, token) -> None:  # noqa: ANN001
    assert client.get("/api/webhook/", **bearer(token)).status_code == 404
    response = client.put(
        "/api/webhook/", {"url": "https://cms.example.org/hook"}, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["active"] is True
    assert body["secret"] == Webhook.objects.get(user=user).secret
    shown = client.get("/api/webhook/", **bearer(token)).json()
    assert "secret" not in shown and shown["secret_hint"] == body["secret"][:6] + "…"
    bad = client.put("/api/webhook/", {"url": "gopher://x"}, content_type="application/json", **bearer(token))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert client.delete("/api/webhook/", **bearer(token)).status_code == 204
    assert client.delete("/api/webhook/", **bearer(token)).status_code == 404
