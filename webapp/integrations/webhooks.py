"""Webhooks: the user's settings, the signed client that posts a finished photo (only ever to a
public address) and the outbox that owes each result a delivery until it is settled.

Views and tasks only call these."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import logging
import secrets
import socket
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from webapp.integrations.models import Delivery, Webhook
from webapp.photos import signals
from webapp.photos.models import Photo
from webapp.photos.records import for_records, photo_record, to_json
from webapp.text import check_plain_text

log = logging.getLogger(__name__)


# -- webhooks --------------------------------------------------------------------------------------
SIGNATURE_HEADER = "X-Signature"
EVENT = "photo.described"
USER_AGENT = "AltTextStudio-Webhook/1"


class WebhookInvalid(ValueError):
    """The webhook settings are not acceptable; ``str(exc)`` says why."""


class WebhookRetry(Exception):
    """A delivery failed in a way that may pass (network error, timeout, 5xx, 408, 429)."""


class WebhookBlocked(Exception):
    """The webhook's address is, or resolves to, a loopback, private, link-local or otherwise
    non-public network address: the app never posts there (it would let anyone with an account
    probe or poke the services next to the app, e.g. Redis or a cloud metadata endpoint)."""


def _allow_private() -> bool:
    # Development and tests post to receivers on 127.0.0.1; production never should.
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")
NOT_PUBLIC = "Use an address on the public internet: local and private network addresses are not allowed."


def _numeric_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` means when it is a numeric address, parsed the way the HTTP client
    parses it when it connects (``socket.getaddrinfo``, so ``127.1``, ``2130706433``, ``0x7f000001``
    or ``0177.0.0.1`` mean 127.0.0.1 here exactly as they do there); ``[]`` for a name.
    ``AI_NUMERICHOST``: never a DNS lookup, so saving a webhook never waits on a resolver."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        return []
    return sorted({info[4][0] for info in infos})


def validate_webhook_url(url: str) -> str:
    """The address, stripped, when it is one the app may post to.

    Checks what the address says, without asking DNS (a lookup inside the request could take
    the resolver's whole timeout, and its answer can change before a delivery anyway): a local
    name or a non-public numeric address (any spelling) is refused here; a name is checked at
    every delivery, on the address connected to (``_connect_public``).

    Raises:
        WebhookInvalid: malformed, not http(s), an impossible port, credentials in it, or (unless
            ``WEBHOOK_ALLOW_PRIVATE``) a local name or a non-public numeric address.
    """
    url = (url or "").strip()
    try:
        check_plain_text(url, "The address")
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port  # .port raises for a port outside 0-65535
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range", a control character
        message = str(exc) if "control character" in str(exc) else f"This is not a valid address ({exc})."
        if "Port" in str(exc):
            message = "The port must be a number from 1 to 65535."
        raise WebhookInvalid(message) from None
    if parts.scheme not in {"http", "https"} or not host:
        raise WebhookInvalid("Enter a full address that starts with http:// or https://.")
    if port == 0:
        raise WebhookInvalid("The port must be a number from 1 to 65535.")
    if len(url) > Webhook._meta.get_field("url").max_length:
        raise WebhookInvalid("The address is too long (at most 500 characters).")
    if parts.username or parts.password:
        raise WebhookInvalid("Put no user name or password in the address; the signature authenticates each call.")
    if not _allow_private():
        name = host.rstrip(".")  # "localhost." is localhost to the resolver
        if not name or name == "localhost" or name.endswith(LOCAL_NAMES):
            raise WebhookInvalid(NOT_PUBLIC)
        default_port = 443 if parts.scheme == "https" else 80
        # Both spellings: "127.0.0.1." is 127.0.0.1 to a resolver, but not to a numeric parse.
        found = _numeric_addresses(host, port or default_port) + _numeric_addresses(name, port or default_port)
        if any(not _public(address) for address in found):
            raise WebhookInvalid(NOT_PUBLIC)
    return url


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def save_webhook(user: Any, url: str, *, secret: str | None = None, active: bool = True) -> tuple[Webhook, str | None]:
    """Create or change the user's webhook. ``secret``: a new one to use; ``None``/``""`` keeps
    the current secret, or generates one for a new webhook. Returns the webhook and the secret when
    it was generated here (show it once), else ``None``.

    Raises:
        WebhookInvalid: a bad address or secret (message for the person).
    """
    url = validate_webhook_url(url)
    secret = (secret or "").strip()
    try:
        check_plain_text(secret, "The secret")
    except ValueError as exc:
        raise WebhookInvalid(str(exc)) from None
    if secret and not 16 <= len(secret) <= 128:
        raise WebhookInvalid("A secret must be 16 to 128 characters long (or leave it empty to have one made).")
    hook = Webhook.objects.filter(user=user).first()
    generated = None
    if hook is None:
        if not secret:
            secret = generated = new_secret()
        hook = Webhook(user=user, secret=secret)
    elif secret:
        hook.secret = secret
    hook.url, hook.is_active = url, active
    hook.save()
    return hook, generated


def regenerate_secret(hook: Webhook) -> str:
    hook.secret = new_secret()
    hook.save(update_fields=["secret", "updated_at"])
    return hook.secret


def delete_webhook(user: Any) -> bool:
    return Webhook.objects.filter(user=user).delete()[0] > 0


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>`` (the X-Signature value)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does: recompute the signature over the raw body; compare in constant time."""
    return bool(header) and hmac.compare_digest(sign(secret, body), header)


def delivery_key(photo: Photo) -> str:
    """The payload's ``delivery``: one per result (photo and the time its result was stored)."""
    finished = photo.finished_at.isoformat() if photo.finished_at else ""
    return hashlib.sha256(f"{photo.pk}:{finished}".encode()).hexdigest()[:32]


def webhook_body(photo: Photo) -> bytes:
    """The JSON posted for a finished photo. ``delivery`` is the same for every retry of one
    result, so a receiver can ignore a duplicate."""
    return to_json({"event": EVENT, "delivery": delivery_key(photo), "photo": photo_record(photo)}).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirected POST would become a GET without the body: report it instead of following it.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _connect_public(host: str, port: int, timeout: Any, source_address: Any) -> socket.socket:
    """Resolve ``host`` once, refuse if any address is not public (unless allowed), and connect to
    the address that was checked: checking one lookup and connecting after another would let a
    name switch to 127.0.0.1 in between (DNS rebinding)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not _allow_private():
        blocked = sorted({info[4][0] for info in infos if not _public(info[4][0])})
        if blocked:
            raise WebhookBlocked(f"{host} resolves to {', '.join(blocked)}, which is not a public address")
    error: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"could not resolve {host}")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = _connect_public(self.host, self.port, self.timeout, self.source_address)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = _connect_public(self.host, self.port, self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]


# No proxies from the environment (a proxy would connect on our behalf, unchecked), no redirects,
# and every connection made to an address checked by _connect_public.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _NoRedirects, _CheckedHTTPHandler, _CheckedHTTPSHandler
)


def post_signed(url: str, secret: str, body: bytes, *, timeout: float) -> int:
    """POST ``body`` with its signature; returns the HTTP status (also for 3xx-5xx answers).

    Raises:
        OSError: the address could not be reached or did not answer in ``timeout`` seconds.
        WebhookBlocked: the address is not public (see :class:`WebhookBlocked`).
    """
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(secret, body),
            "X-Alt-Text-Event": EVENT,
        },
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _record(hook: Webhook, ok: bool, result: str) -> None:
    Webhook.objects.filter(pk=hook.pk).update(
        last_attempt_at=timezone.now(), last_ok=ok, last_result=result[:300], updated_at=timezone.now()
    )


def deliver_webhook(photo_id: int) -> str:
    """POST one finished photo to its owner's webhook (the body of ``integrations.send_webhook``).

    Returns ``"delivered"``, ``"refused"`` (a 3xx/4xx answer other than 408/429, or an address
    that is not public: not retried) or
    ``"skipped"`` (no such photo, not done, or no active webhook).

    Raises:
        WebhookRetry: a failure that may pass; the task retries with exponential backoff.
    """
    photo = for_records(Photo.objects.filter(pk=photo_id)).first()
    if photo is None or photo.status != Photo.Status.DONE:
        return "skipped"
    owed = Delivery.objects.filter(photo=photo, key=delivery_key(photo))
    if owed.exclude(state=Delivery.State.PENDING).exists():
        return "skipped"  # a duplicate message for a result already settled
    hook = Webhook.objects.filter(user_id=photo.owner_id, is_active=True).first()
    if hook is None:
        _settle(owed, Delivery.State.SKIPPED)
        return "skipped"
    timeout = float(getattr(settings, "WEBHOOK_TIMEOUT", 10))
    try:
        status = post_signed(hook.url, hook.secret, webhook_body(photo), timeout=timeout)
    except WebhookBlocked as exc:
        _record(hook, False, f"Photo {photo_id}: not sent: {exc}. Use an address on the public internet.")
        log.warning("Webhook for photo %s blocked: %s", photo_id, exc)
        _settle(owed, Delivery.State.REFUSED)
        return "refused"
    except (TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        _record(hook, False, f"Photo {photo_id}: could not reach the address ({reason}); will retry.")
        raise WebhookRetry(f"{hook.url}: {reason}") from exc
    if 200 <= status < 300:
        _record(hook, True, f"Photo {photo_id}: delivered (HTTP {status}).")
        _settle(owed, Delivery.State.DELIVERED)
        return "delivered"
    if status >= 500 or status in {408, 429}:
        _record(hook, False, f"Photo {photo_id}: the receiver answered HTTP {status}; will retry.")
        raise WebhookRetry(f"{hook.url}: HTTP {status}")
    _record(hook, False, f"Photo {photo_id}: the receiver answered HTTP {status}; not retried.")
    log.warning("Webhook for photo %s refused with HTTP %s", photo_id, status)
    _settle(owed, Delivery.State.REFUSED)
    return "refused"


def _settle(owed: QuerySet[Delivery], state: str) -> None:
    owed.filter(state=Delivery.State.PENDING).update(state=state, finished_at=timezone.now())


# -- the outbox: deliveries recorded with the result, sent after commit, re-sent by the sweeper ----
# A finished photo is posted to its owner's webhook (when one is set) through the queue: the delivery
# is recorded with the result (outbox), queued after the commit, and re-sent by the sweeper when its
# queue message was lost. (Connected when the app is ready: ``IntegrationsConfig.ready``.)
@receiver(signals.result_stored, sender=Photo, dispatch_uid="integrations-outbox")
def record_delivery(sender: Any, photo: Photo, **kwargs: Any) -> None:
    """Receiver of ``result_stored`` (inside the result's transaction): owe this result to the
    owner's webhook, if one is active; a delivery still owed for an older result of the photo is
    dropped (the receiver gets the newest)."""
    if not Webhook.objects.filter(user_id=photo.owner_id, is_active=True).exists():
        return
    key = delivery_key(photo)
    Delivery.objects.filter(photo=photo, state=Delivery.State.PENDING).exclude(key=key).update(
        state=Delivery.State.SKIPPED, finished_at=timezone.now()
    )
    Delivery.objects.get_or_create(photo=photo, key=key)


def _send(delivery_id: int, photo_id: int, seen_enqueued_at: datetime | None) -> bool:
    """Queue the retry chain for one owed delivery, claimed by compare-and-set on ``enqueued_at``
    so two sweepers (or a sweeper and the commit hook) never both send it. False: claimed by
    someone else, or the broker refused (the row stays owed; the sweeper tries again)."""
    from webapp.integrations.tasks import send_webhook

    claimed = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.PENDING, enqueued_at=seen_enqueued_at
    ).update(enqueued_at=timezone.now(), sends=models.F("sends") + 1)
    if not claimed:
        return False
    try:
        send_webhook.delay(photo_id)
    except Exception as exc:  # noqa: BLE001 - broker down: leave it owed, the sweeper re-sends it
        log.warning("Could not queue the webhook for photo %s: %r", photo_id, exc)
        Delivery.objects.filter(pk=delivery_id).update(enqueued_at=None, sends=models.F("sends") - 1)
        return False
    return True


@receiver(signals.sweeping, dispatch_uid="integrations-resend")
def resend_lost_deliveries(sender: Any = None, now: datetime | None = None, **kwargs: Any) -> list[int]:
    """Receiver of ``sweeping``: send again the deliveries whose queue message was lost (never
    queued for ``WEBHOOK_QUEUE_GRACE`` seconds, or queued longer ago than ``WEBHOOK_RESEND_AFTER``,
    which is longer than the whole retry chain); give up after ``WEBHOOK_MAX_SENDS`` chains.
    Returns the ids of the photos sent again."""
    now = now or timezone.now()
    grace = timedelta(seconds=int(getattr(settings, "WEBHOOK_QUEUE_GRACE", 60)))
    resend_after = timedelta(seconds=int(getattr(settings, "WEBHOOK_RESEND_AFTER", 900)))
    max_sends = int(getattr(settings, "WEBHOOK_MAX_SENDS", 3))
    lost = Delivery.objects.filter(state=Delivery.State.PENDING).filter(
        Q(enqueued_at__isnull=True, created_at__lt=now - grace) | Q(enqueued_at__lt=now - resend_after)
    )
    sent = []
    for pk, photo_id, sends, enqueued_at in lost.values_list("pk", "photo_id", "sends", "enqueued_at")[:500]:
        if sends >= max_sends:
            if Delivery.objects.filter(pk=pk, state=Delivery.State.PENDING, enqueued_at=enqueued_at).update(
                state=Delivery.State.GIVEN_UP, finished_at=now
            ):
                log.warning("Webhook for photo %s given up after %s sends", photo_id, sends)
            continue
        if _send(pk, photo_id, enqueued_at):
            sent.append(photo_id)
    return sent


@receiver(signals.photo_described, sender=Photo, dispatch_uid="integrations-webhook")
def on_photo_described(sender: Any, photo: Photo, **kwargs: Any) -> None:
    """Receiver of ``photo_described`` (after the result is committed): queue the delivery the
    result owes. A broker failure is logged, never raised into the worker; the delivery stays owed
    and the sweeper sends it."""
    owed = Delivery.objects.filter(photo=photo, key=delivery_key(photo), state=Delivery.State.PENDING)
    for pk, enqueued_at in owed.values_list("pk", "enqueued_at"):
        _send(pk, photo.pk, enqueued_at)
