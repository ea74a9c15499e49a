"""Webhooks against a real HTTP server on 127.0.0.1: the signature verifies over the raw body, a
500 is retried (exponential backoff, bounded) until it succeeds, a 4xx is not retried, a finished
photo triggers the delivery through the signal and the queue; the settings page and the API."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest

from captioning import describe
from segmentation.result import Instances
from tests.webapp.stored import bearer, stored_photo
from webapp.integrations import tasks, webhooks
from webapp.integrations.models import Delivery, Webhook

pytestmark = pytest.mark.django_db
SECRET = "a-long-shared-secret-for-tests"


def receiver_verifies(secret: str, body: bytes, header: str) -> bool:
    """What a receiver written from the README does (independent of the app's own helper)."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_signed_delivery_to_a_real_server(user, receiver) -> None:  # noqa: ANN001
    webhooks.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg", ("dog", "dog"))
    assert webhooks.deliver_webhook(photo.pk) == "delivered"
    (request,) = receiver.requests
    assert request["path"] == "/hooks/alt"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert receiver_verifies(SECRET, request["body"], request["headers"]["X-Signature"])
    assert webhooks.verify_signature(SECRET, request["body"], request["headers"]["X-Signature"])
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
    webhooks.save_webhook(user, receiver.url, secret=SECRET)
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
    assert task.autoretry_for == (webhooks.WebhookRetry,)
    assert task.retry_backoff and task.retry_backoff_max <= 600 and task.retry_jitter
    assert 1 <= task.max_retries <= 10
    webhooks.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg")
    receiver.statuses = [500] * 50
    result = task.apply(args=[photo.pk])
    assert result.failed() and isinstance(result.result, webhooks.WebhookRetry)
    assert len(receiver.requests) == task.max_retries + 1
    assert Webhook.objects.get(user=user).last_ok is False


def test_a_4xx_is_not_retried_and_an_unreachable_address_is(user, receiver, eager_tasks) -> None:  # noqa: ANN001
    webhooks.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg")
    receiver.statuses = [410]
    assert tasks.send_webhook.apply(args=[photo.pk]).get() == "refused"
    assert len(receiver.requests) == 1
    assert "HTTP 410" in Webhook.objects.get(user=user).last_result
    assert Delivery.objects.get(photo=photo).state == Delivery.State.REFUSED
    # A duplicate message for that result sends nothing again.
    assert webhooks.deliver_webhook(photo.pk) == "skipped" and len(receiver.requests) == 1
    # Nothing listens on port 9 of this machine: a network error is worth retrying.
    webhooks.save_webhook(user, "http://127.0.0.1:9/hook")
    other = stored_photo(user, "cats.jpg")
    with pytest.raises(webhooks.WebhookRetry):
        webhooks.deliver_webhook(other.pk)
    assert Delivery.objects.get(photo=other).state == Delivery.State.PENDING  # still owed


def test_a_finished_photo_is_posted_through_the_signal(  # noqa: ANN001
    user, other_user, receiver, eager_tasks, django_capture_on_commit_callbacks
) -> None:
    webhooks.save_webhook(user, receiver.url, secret=SECRET)
    photo = stored_photo(user, "dogs.jpg", capture=django_capture_on_commit_callbacks)
    (request,) = receiver.requests
    assert json.loads(request["body"])["photo"]["id"] == photo.pk
    # No webhook (another user) or a paused one: nothing is sent.
    stored_photo(other_user, "theirs.jpg", capture=django_capture_on_commit_callbacks)
    webhooks.save_webhook(user, receiver.url, active=False)
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
    with pytest.raises(webhooks.WebhookInvalid, match=message):
        webhooks.save_webhook(user, url, secret=secret)
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


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",
        "http://redis.internal:6379/",
    ],
)
def test_local_and_private_addresses_are_refused_in_the_form(user, url) -> None:  # noqa: ANN001
    with pytest.raises(webhooks.WebhookInvalid, match="public internet"):
        webhooks.save_webhook(user, url)


def test_a_public_address_is_accepted(user) -> None:  # noqa: ANN001
    hook, _ = webhooks.save_webhook(user, "https://cms.example.org/hooks/alt")
    assert hook.url == "https://cms.example.org/hooks/alt"


@pytest.mark.parametrize("via", ["service", "api"])
def test_saving_a_name_asks_no_resolver(client, user, token, monkeypatch, via: str) -> None:  # noqa: ANN001
    """A DNS lookup inside the request could take the resolver's whole timeout (and its answer can
    change before a delivery): names are checked when a delivery connects, numeric addresses and
    local names when saved."""
    import socket

    real, asked = socket.getaddrinfo, []

    def resolve(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if not kwargs.get("flags", 0) & socket.AI_NUMERICHOST:
            asked.append(host)
            raise AssertionError(f"a DNS lookup of {host} while saving a webhook")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    url = "https://hooks.example.org/alt"
    if via == "service":
        hook, _ = webhooks.save_webhook(user, url)
        assert hook.url == url
    else:
        response = client.put("/api/webhook/", {"url": url}, content_type="application/json", **bearer(token))
        assert response.status_code == 200
    with pytest.raises(webhooks.WebhookInvalid, match="public internet"):  # numeric: still refused at once
        webhooks.save_webhook(user, "http://0x7f000001/hook")
    assert asked == []


def test_a_name_that_resolves_to_a_private_address_is_never_posted_to(
    user, receiver, eager_tasks, settings, monkeypatch
) -> None:  # noqa: ANN001
    """DNS can point a public-looking name at 127.0.0.1 (or switch to it after the form checked
    it): the address is checked at delivery, on the very address connected to."""
    import socket

    port = int(receiver.url.split(":")[2].split("/")[0])
    webhooks.save_webhook(user, f"http://hooks.example.org:{port}/hooks/alt", secret=SECRET)
    settings.WEBHOOK_ALLOW_PRIVATE = False
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return real("127.0.0.1", *args, **kwargs) if host == "hooks.example.org" else real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    photo = stored_photo(user, "dog.jpg")
    assert webhooks.deliver_webhook(photo.pk) == "refused"
    assert receiver.requests == []
    hook = Webhook.objects.get(user=user)
    assert not hook.last_ok and "not a public address" in hook.last_result


def test_a_delivery_lost_with_the_broker_is_sent_by_the_sweeper_once(  # noqa: ANN001
    user, receiver, eager_tasks, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    """The outbox: the delivery is recorded in the result's transaction; when queueing it fails
    (broker down) it stays owed, and the sweeper sends it, once, however often it runs."""
    from django.core.management import call_command
    from django.utils import timezone

    webhooks.save_webhook(user, receiver.url, secret=SECRET)

    def broker_down(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.send_webhook, "delay", broker_down)
    photo = stored_photo(user, "dogs.jpg", capture=django_capture_on_commit_callbacks)
    owed = Delivery.objects.get(photo=photo)
    assert owed.state == Delivery.State.PENDING and owed.enqueued_at is None and receiver.requests == []
    monkeypatch.undo()
    # Within the grace period the commit hook may still be queueing it: the sweeper waits.
    assert webhooks.resend_lost_deliveries(now=timezone.now()) == []
    later = timezone.now() + timedelta(minutes=2)
    assert webhooks.resend_lost_deliveries(now=later) == [photo.pk]
    assert webhooks.resend_lost_deliveries(now=later) == []  # claimed: never sent twice
    call_command("sweep")  # the command sends ``sweeping`` too
    (request,) = receiver.requests
    assert json.loads(request["body"])["delivery"] == owed.key
    owed.refresh_from_db()
    assert owed.state == Delivery.State.DELIVERED and owed.sends == 1


def test_deliveries_that_keep_failing_are_given_up_after_max_sends(user, settings) -> None:  # noqa: ANN001
    from django.utils import timezone

    settings.WEBHOOK_MAX_SENDS = 2
    webhooks.save_webhook(user, "https://hooks.example.org/alt")
    photo = stored_photo(user, "dogs.jpg")
    owed = Delivery.objects.get(photo=photo)
    Delivery.objects.filter(pk=owed.pk).update(sends=2, enqueued_at=timezone.now() - timedelta(hours=1))
    assert webhooks.resend_lost_deliveries() == []
    owed.refresh_from_db()
    assert owed.state == Delivery.State.GIVEN_UP


def test_no_webhook_no_delivery_and_a_newer_result_replaces_an_owed_one(user) -> None:  # noqa: ANN001
    photo = stored_photo(user, "dogs.jpg")
    assert not Delivery.objects.filter(photo=photo).exists()
    webhooks.save_webhook(user, "https://hooks.example.org/alt")
    first = stored_photo(user, "cats.jpg")
    from webapp.photos import services as photo_services

    described = describe(Instances.empty((64, 48)))
    photo_services.store_result(first.pk, Instances.empty((64, 48)), described)
    states = sorted(Delivery.objects.filter(photo=first).values_list("state", flat=True))
    assert states == [Delivery.State.PENDING, Delivery.State.SKIPPED]
