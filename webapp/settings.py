"""Settings for the alt-text web app: one module, everything from the environment.

Typed helpers (as in Healthchecks' ``hc/settings.py``) read each variable once, with a safe
default so ``make run`` works on a fresh machine with nothing configured: SQLite in ``var/``,
Redis on loopback, DEBUG off. Production overrides are listed in the README.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        # Not Python's "invalid literal for int()": say which variable, so a typo is found at once.
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name) or default


def envprefixed(prefix: str, *, exclude: set[str]) -> dict[str, str]:
    """Every non-empty ``PREFIX_NAME`` variable not in ``exclude``, as ``{"name": value}``."""
    return {
        key[len(prefix) :].lower(): value.strip()
        for key, value in os.environ.items()
        if key.startswith(prefix) and key not in exclude and value.strip()
    }


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


# All local state (database, uploads, broker data, generated secret) lives in one folder.
DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "var")))


def _local_secret_key() -> str:
    # No SECRET_KEY in the environment: make one per install and keep it, so sessions survive
    # restarts without anybody ever running with a key that is published in the repository.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # whitenoise serves static files in every mode, so DEBUG=0 locally behaves as production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Login rate limiting: failed attempts are counted per (username, address) in the database.
    "axes",
    "webapp.accounts",
    "webapp.photos",
    "webapp.search",
    "webapp.integrations",
    # /healthz, /readyz, /metrics (no models).
    "webapp.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A locked or unreachable database answers 503 + Retry-After, not 500 (see webapp/errors.py).
    "webapp.errors.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: the switcher's cookie, else the browser's Accept-Language, else
    # LANGUAGE_CODE (after sessions, before CommonMiddleware, as Django documents).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Must be last: turns a locked-out login into a 429 before the view runs.
    "axes.middleware.AxesMiddleware",
]
# Oversized bodies, too many files and malformed multipart get a clear 4xx before any view (or
# the CSRF check, which runs in process_view) parses the body; after authentication so the error
# page can show who is logged in.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "webapp.photos.uploads.UploadLimitsMiddleware",
)

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out (username, address) before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login rate limiting (django-axes): after LOGIN_MAX_FAILURES wrong passwords for one username from
# one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (a 429); a success resets the count.
AXES_FAILURE_LIMIT = envint("LOGIN_MAX_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock-out page in the site's own accessible layout, not axes' plain text.
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "webapp.photos.context_processors.model_status",
                "webapp.photos.context_processors.alt_language",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # The web process and the worker write the same file: wait for a lock instead of
        # failing, take the write lock up front, and let readers run beside one writer.
        # (Past the timeout the worker retries the photo with backoff; the sweeper is the backstop.)
        "timeout": envint("SQLITE_TIMEOUT", 30),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "photos:library"
LOGOUT_REDIRECT_URL = "login"

# The interface languages (Django's i18n; catalogues in locale/, compiled by `make run` and
# `make test`). The switcher names each in itself (Django's name_local), not with these names.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "webapp" / "static"]
# Serve straight from the source folders: no collectstatic step before `make run`.
WHITENOISE_USE_FINDERS = True

# --- Stored files (photos, thumbnails) -------------------------------------------------------
# Every stored file goes through Django's storage API (webapp.photos.files is the one layout home).
# Uploads are never served from a public URL: an owner-checked view streams them.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))


def s3_storage() -> dict:
    """``STORAGES["default"]`` for S3-compatible object storage (django-storages' S3Storage, boto3),
    from the ``AWS_*`` variables (README, Production: object storage). A function so the tests
    build exactly this against their own S3 server."""
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    endpoint = envstr("AWS_S3_ENDPOINT_URL", "")
    acl = envstr("AWS_DEFAULT_ACL", "private")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("AWS_STORAGE_BUCKET_NAME", ""),
            # Empty: AWS itself; any S3-compatible server (MinIO, Ceph, Garage, rclone) by URL.
            "endpoint_url": endpoint or None,
            "region_name": envstr("AWS_S3_REGION_NAME", "us-east-1"),
            # Empty keys: boto3's own chain (instance role, AWS_PROFILE, web identity) finds them.
            "access_key": envstr("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": envstr("AWS_SECRET_ACCESS_KEY", "") or None,
            # Objects readable by the bucket's owner only; "none" sends no ACL header at all, for
            # buckets whose object-ownership setting refuses ACLs.
            "default_acl": None if acl.lower() == "none" else acl,
            # Any URL the storage makes is signed and short-lived (views stream the bytes instead; a
            # URL that leaked into a page or a log opens nothing after a minute).
            "querystring_auth": True,
            "querystring_expire": 60,
            # Names are random (photos/files.py), so nothing is ever overwritten, and this saves
            # the HEAD request per save that looks for a free name.
            "file_overwrite": True,
            # A file read for a worker or a response stays in memory up to this, then spills to disk.
            "max_memory_size": 16 * 1024 * 1024,
            # One PUT / one GET per file up to 64 MB (every stored JPEG): parts would only add round
            # trips at these sizes, and a single-part object's ETag is its MD5, which move_media
            # uses to verify copies without reading them back.
            "transfer_config": TransferConfig(multipart_threshold=64 * 1024 * 1024),
            "client_config": Config(
                # Bucket in the path, not the host name: what S3-compatible servers on an IP:port accept.
                s3={"addressing_style": envstr("AWS_S3_ADDRESSING_STYLE", "path" if endpoint else "auto")},
                signature_version="s3v4",
                # Seconds to connect (a LAN endpoint answers in milliseconds) and to wait between
                # bytes of an answer (objects are a few MB): a dead or hung endpoint costs a request
                # this long per attempt, not the OS's minutes. With the attempts below the worst
                # case (10 x 8 s + 25 s of backoff) stays inside gunicorn's 120 s request timeout.
                connect_timeout=envint("AWS_S3_CONNECT_TIMEOUT", 2),
                read_timeout=envint("AWS_S3_READ_TIMEOUT", 8),
                # Attempts per request (botocore's "standard" mode retries connection errors,
                # throttling and 5xx, with jittered backoff from 50 ms doubling; 10 attempts wait
                # up to 25 s in all): an endpoint restart of a few seconds fails no upload and no
                # read (down 1.2 s: 1 run in 10^5 gives up; 3 s: 3 in 1000; 8 attempts would give
                # up 1 in 40 and 1 in 2); a longer outage gets the worker's own retry (photos go
                # back to the queue, see tasks.py) and the uploader a clear 503.
                retries={"mode": "standard", "max_attempts": envint("AWS_S3_MAX_ATTEMPTS", 10)},
                # Connections kept per process: a web process's threads, a worker's batch reads.
                max_pool_connections=envint("AWS_S3_MAX_POOL_CONNECTIONS", 10),
            ),
        },
    }


# Set a bucket and the files live in S3-compatible object storage, so web servers and workers on
# other hosts share no folder; unset, they stay under MEDIA_ROOT (`make run`, one machine).
AWS_STORAGE_BUCKET_NAME = envstr("AWS_STORAGE_BUCKET_NAME", "")
# 0 (the default): the owner-checked image views stream the bytes from storage. N > 0, with S3
# only: they answer with a redirect to a presigned URL valid N seconds instead, so the photo bytes
# go from the bucket to the browser without passing the web servers (bandwidth offload). Only
# when browsers can reach AWS_S3_ENDPOINT_URL; README, "Serving photos", says what it costs.
MEDIA_REDIRECT_SECONDS = envint("MEDIA_REDIRECT_SECONDS", 0)
STORAGES = {
    "default": s3_storage() if AWS_STORAGE_BUCKET_NAME else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Uploads -------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)  # per file; phone photos are 2-12 MB
UPLOAD_MAX_PIXELS = envint("UPLOAD_MAX_PIXELS", 50_000_000)  # 50 MP; more is a bomb, not a photo
UPLOAD_MAX_FILES = envint("UPLOAD_MAX_FILES", 20)  # per request
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES
# A whole request body (checked from Content-Length before reading it): every file at its limit.
UPLOAD_MAX_REQUEST_BYTES = envint("UPLOAD_MAX_REQUEST_BYTES", UPLOAD_MAX_BYTES * UPLOAD_MAX_FILES + 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # bigger files spill to a temporary file on disk

# --- API tokens ----------------------------------------------------------------------------------
# A token's "last used" is written at most this often (seconds): an API read does not write.
TOKEN_TOUCH_INTERVAL = envint("TOKEN_TOUCH_INTERVAL", 300)

# --- Web server ---------------------------------------------------------------------------------
# How often (microseconds) a thread holding the GIL hands it over (Python's default: 5000). The
# threads of one gunicorn worker share one GIL: with the default, a cheap request waiting behind a
# CPU-heavy one (an API list page) waits up to 5 ms each time it takes the GIL back after a query
# or a socket write. 1000 halved such a request's p95 beside two API-list loops (bench/README.md,
# issue 17). Set by webapp/wsgi.py, so only the web server has it.
WEB_GIL_SWITCH_INTERVAL_US = envint("WEB_GIL_SWITCH_INTERVAL_US", 1000)

# --- Lists ----------------------------------------------------------------------------------
# One page of photos: the library page shows PAGE_SIZE, and it is the API list's default `limit`;
# no list answers more than PAGE_SIZE_MAX at once (the API's `limit` / `per_page` ceiling).
PAGE_SIZE_MAX = 100
PAGE_SIZE = min(max(1, envint("PAGE_SIZE", 48)), PAGE_SIZE_MAX)

# --- Segmentation ----------------------------------------------------------------------------
# Read into one typed SegmenterConfig by webapp.photos.pipeline.segmenter_config (the only reader).
SEGMENTER = envstr("SEGMENTER", "auto")
SEGMENTER_WEIGHTS = os.environ.get("SEGMENTER_WEIGHTS") or None
SEGMENTER_DEVICE = envstr("SEGMENTER_DEVICE", "auto")
# These two stay text here and are parsed by segmenter_config: a typo (SEGMENTER_THREADS=two) is then
# a `check` error naming the variable and each photo is marked failed with it, instead of a worker
# that cannot start (or restarts its children forever).
SEGMENTER_THREADS = envstr("SEGMENTER_THREADS", "0")  # 0 = the runtime's default
# Photos per forward pass: a task also claims up to N-1 other queued photos. 0 = auto: 8 on a GPU
# (batches fill it), 1 on the CPU (measured: batching gains nothing there, and costs latency).
SEGMENTER_BATCH_SIZE = envstr("SEGMENTER_BATCH_SIZE", "0")
# How long a batch waits for more queued photos when too few are there: a little latency for fuller batches.
SEGMENTER_BATCH_WAIT_MS = envint("SEGMENTER_BATCH_WAIT_MS", 10)
# Every other SEGMENTER_<OPTION> variable is a backend option, by name (lower case, no prefix):
# the chosen backend's options dataclass takes the ones it declares and converts them to their
# types (segmentation.interface.BackendOptions), so a new backend option needs no line here.
# Documented in the README: SEGMENTER_MIN_SCORE; torch backends SEGMENTER_PRECISION (fp32 until bf16
# is checked with trained weights on a GPU), SEGMENTER_CHANNELS_LAST, SEGMENTER_DECODE, SEGMENTER_COMPILE;
# Mask R-CNN SEGMENTER_MIN_SIZE / SEGMENTER_MAX_SIZE; YOLO-seg SEGMENTER_MAX_DETECTIONS, SEGMENTER_IOU_THRESHOLD.
_SEGMENTER_RUN = {f"SEGMENTER{s}" for s in ("", "_WEIGHTS", "_DEVICE", "_THREADS", "_BATCH_SIZE", "_BATCH_WAIT_MS")}
SEGMENTER_OPTIONS: dict[str, str] = envprefixed("SEGMENTER_", exclude=_SEGMENTER_RUN)

# --- Text in the photo (issue 19) ------------------------------------------------------------
# Read by webapp.photos.reading (the only reader). "ppocr" (PP-OCRv5 on onnxruntime), "tesseract"
# (apt-get install tesseract-ocr), or "off": photos are described without reading their text.
TEXT_READER = envstr("TEXT_READER", "ppocr")
# onnxruntime threads of the reader; 0 = the segmenter's SEGMENTER_THREADS (they run one after the other).
TEXT_READER_THREADS = envint("TEXT_READER_THREADS", 0)

# --- Captioning ------------------------------------------------------------------------------
# What the alt text names first (captioning.salience): "" = the shipped model, fitted on COCO's
# human captions; a file written by `manage.py learn_salience` adds what this deployment's people
# accepted and wrote. Read once per worker process: restart the worker after changing it.
CAPTION_SALIENCE_FILE = envstr("CAPTION_SALIENCE_FILE", "")

# --- Celery ----------------------------------------------------------------------------------
# `make run` (manage.py runstack) starts a redis-server of its own on this port, data in DATA_DIR/redis,
# away from 6379 where a system Redis holds other apps' data and queues; the default REDIS_URL points
# there too, so manage.py commands beside `make run` reach its worker. Production sets REDIS_URL.
DEV_REDIS_PORT = envint("DEV_REDIS_PORT", 6390)
REDIS_URL = envstr("REDIS_URL", f"redis://127.0.0.1:{DEV_REDIS_PORT}/0")
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL)
# Results live in the Photo row, not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
# Acknowledge after the task ran, so a worker killed mid-photo leaves the message to redeliver.
CELERY_TASK_ACKS_LATE = True
# ...and with the same aim, requeue (not ack) when the child process dies under the task.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One photo at a time per process: a GPU job is long, prefetching only starves other workers.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process loads the model before it reports for work (worker_process_init); the 4 s default
# kills a child that is still loading on a busy CPU, so a restarted child would never come up.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = envint("CELERY_WORKER_PROC_ALIVE_TIMEOUT", 180)
# Redis redelivers unacked messages after this; it must exceed the longest task (hard limit).
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
# JSON only: a message never carries pickled objects, just a photo id.
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# kombu's Redis transport, except that losing the connection while holding messages no longer
# crashes the worker (webapp/celery.py); the held messages are recovered by the sweeper.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "webapp.celery:RedisTransport"
# Keep trying to reach the broker when the worker starts before Redis does.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tests and `describe` may run tasks in-process instead.
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
# Keep a worker's database connection between tasks (Celery's Django fixup otherwise closes it
# after every task: one new PostgreSQL connection per photo, half the server's CPU per photo in
# bench/scale_out.py). webapp/celery.py still drops a broken or CONN_MAX_AGE-old one around each
# task, as Django does around a request.
CELERY_DB_REUSE_MAX = 1_000_000
# Publishing a photo's message while Redis is down: give up after a few seconds (the upload still
# succeeds; the row stays 'queued' and the sweeper sends it again) instead of hanging the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 1, "interval_max": 2}

# --- Reliability: the Photo row is the source of truth, the queue only a hint -----------------
# Deliveries that may start processing one photo before it is dead-lettered (failed, with reason).
PHOTO_MAX_ATTEMPTS = envint("PHOTO_MAX_ATTEMPTS", 3)
# A photo 'processing' longer than this lost its worker: the hard time limit plus a margin.
PHOTO_PROCESSING_TIMEOUT = envint("PHOTO_PROCESSING_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
# A photo 'queued' longer than this may have lost its message (Redis data lost, publish failed).
# Sending it again is harmless (the task is idempotent); too short only wastes duplicate messages.
PHOTO_QUEUED_TIMEOUT = envint("PHOTO_QUEUED_TIMEOUT", 15 * 60)
# How often the sweeper (`manage.py sweep --loop`, started by `make run`) looks for stale photos.
SWEEP_INTERVAL = envint("SWEEP_INTERVAL", 30)
# A 'queued' photo's message delivered this long ago and still unacknowledged in Redis was stranded
# by a connection loss (see webapp/celery.py): the sweeper moves it back to the queue. Longer than a
# live worker ever holds a message it has not started: a database-busy retry's countdown
# (PHOTO_DB_RETRY_BACKOFF_MAX) plus the SQLite busy timeout. Worst case after Redis returns: this
# plus SWEEP_INTERVAL, about 2 minutes.
PHOTO_UNACKED_TIMEOUT = envint("PHOTO_UNACKED_TIMEOUT", 100)
# Database busy (SQLite locked, PostgreSQL failover): Celery retries the task this many times with
# exponential backoff (capped) before leaving the photo to the sweeper.
PHOTO_DB_RETRIES = envint("PHOTO_DB_RETRIES", 8)
PHOTO_DB_RETRY_BACKOFF_MAX = envint("PHOTO_DB_RETRY_BACKOFF_MAX", 60)

# --- Webhooks ------------------------------------------------------------------------------------
# Seconds to wait for a receiver. Private, loopback and link-local addresses are refused (in the
# form and again at delivery, on the resolved address) unless allowed: only for development and
# tests, whose receivers run on 127.0.0.1.
WEBHOOK_TIMEOUT = envint("WEBHOOK_TIMEOUT", 10)
WEBHOOK_ALLOW_PRIVATE = envbool("WEBHOOK_ALLOW_PRIVATE", False)

# --- Probes and metrics (webapp/ops) ----------------------------------------------------------
# /readyz: each check (database, broker, storage) must answer within this, or the answer is 503.
READY_TIMEOUT_MS = envint("READY_TIMEOUT_MS", 2000)
# /metrics is never public: a scraper sends "Authorization: Bearer METRICS_TOKEN", or connects
# directly (not through a proxy) from one of these networks (CIDRs). Neither set: 404.
METRICS_TOKEN = envstr("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = envlist("METRICS_ALLOWED_NETWORKS", "")

# --- HTTPS and cookies (production: DEBUG=0 HTTPS=1; `manage.py check --deploy` gives 0 warnings) --
HTTPS = envbool("HTTPS", False) and not DEBUG
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (only when the proxy strips it from clients).
if envbool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Every request then comes from the proxy's address: the login limits take the client's from the
    # X-Forwarded-For that the proxy sets (deploy/nginx.conf overwrites it), or one person's wrong
    # passwords would lock a username for everyone.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
SECURE_SSL_REDIRECT = HTTPS
# Probes and scrapes come over plain HTTP from inside the network: answer them, don't redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # axes logs every login at INFO; its warnings (lockouts) are what matter.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker (no Redis installed): messages are files in DATA_DIR/broker.
    _broker_dir = DATA_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # Broadcast/control messages (inspect ping) too, instead of ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
    }
