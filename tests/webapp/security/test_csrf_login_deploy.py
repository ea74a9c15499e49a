"""CSRF on every form, login rate limiting, and ``check --deploy`` with the production settings."""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import ROOT
from tests.webapp.security.test_isolation import fill, walk

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
# The API's schema and docs page are public and read-only by design.
PUBLIC_API_DOCS = {"/api/openapi.json", "/api/docs"}


def test_every_form_post_needs_the_csrf_token(user) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    from django.urls import get_resolver

    checked = 0
    for route, _ in walk(get_resolver()):
        path = fill(route, 1)
        response = client.post(path, {"action": "decorative", "name": "x", "username": "a", "password": "b"})
        if path in PUBLIC_API_DOCS:
            assert response.status_code in {200, 405}, path  # read-only schema/docs: nothing to forge
        elif path.startswith("/api/"):
            # token only (a browser's cookies are not enough), or no POST route there at all
            assert response.status_code in {401, 404, 405}, path
        else:
            assert response.status_code in {403, 405}, (path, response.status_code)
            checked += response.status_code == 403
    assert checked >= 5
    # Logging in and signing up are forms too.
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 403
    assert anonymous.post(reverse("accounts:signup"), {"username": "x"}).status_code == 403


def test_the_upload_form_works_with_its_token(user) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("photos:upload")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def login(client: Client, password: str, address: str = "10.0.0.1"):  # noqa: ANN201
    return client.post(reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR=address)


def test_login_is_rate_limited(user, settings) -> None:  # noqa: ANN001
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "wrong guess")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert login(client, "wrong guess").status_code == 429
    # Locked out: even the right password is refused from this address...
    locked = login(client, PASSWORD)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many attempts to log in" in locked.content.decode()  # the site's own page, with an h1
    # ...while the same person on another address can still log in.
    elsewhere = Client()
    assert login(elsewhere, PASSWORD, address="10.0.0.2").status_code == 302
    assert int(elsewhere.session["_auth_user_id"]) == user.pk


def test_a_successful_login_resets_the_count(user, settings) -> None:  # noqa: ANN001
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "wrong guess")
    assert login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong guess").status_code == 200


PRODUCTION_ENV = {
    # What the README's "Production" section lists.
    "DEBUG": "0",
    "HTTPS": "1",
    "ALLOWED_HOSTS": "alt.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://alt.example.org",
    "DATABASE_URL": "postgres://alt:secret@db.internal:5432/alt",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "alt-photos",
    "AWS_S3_ENDPOINT_URL": "https://s3.internal:9000",
    "AWS_ACCESS_KEY_ID": "AKEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
}


def run_check(tmp_path, **env: str) -> subprocess.CompletedProcess:  # noqa: ANN001
    import os

    full = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "HTTPS", "SECRET_KEY"))}
    full.update({"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "webapp.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_is_clean(tmp_path) -> None:  # noqa: ANN001
    result = run_check(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_catches_a_missing_https_flag(tmp_path) -> None:  # noqa: ANN001
    """The check is real: the same settings without HTTPS=1 fail it."""
    env = {**PRODUCTION_ENV, "HTTPS": "0", "SECRET_KEY": secrets.token_urlsafe(50)}
    result = run_check(tmp_path, **env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no HTTPS redirect


def test_production_settings_values(tmp_path) -> None:  # noqa: ANN001
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG)"
    )
    import os

    env = {**os.environ, **PRODUCTION_ENV, "SECRET_KEY": "k" * 60, "DATA_DIR": str(tmp_path)}
    argv = [sys.executable, "manage.py", "shell", "-c", code]
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "django.db.backends.postgresql",
        "redis://redis.internal:6379/0",
        "False",
    ], out.stderr
    assert not (tmp_path / "secret_key").exists()  # the key came from the environment
