"""The export page and the webhook settings page (session login). Thin: they call webhooks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from webapp.accounts.languages import UnsupportedLanguage, api_alt_language, page_alt_language
from webapp.integrations import exports, webhooks
from webapp.integrations.models import Webhook
from webapp.photos.models import Photo


@login_required
@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    photos = Photo.objects.filter(owner=request.user)
    return render(
        request,
        "integrations/export.html",
        {
            "total": photos.count(),
            "reviewed": photos.exclude(alt_source=Photo.AltSource.NONE).count(),
            "formats": [
                (
                    "csv",
                    _("CSV spreadsheet"),
                    _("One row per photo: file, the alt text to publish, its source, objects."),
                ),
                ("json", "JSON", _("Every field the API gives for each photo, for scripts and other tools.")),
                ("html", _("HTML page"), _("An <img> tag per photo with its alt text, ready to copy into a web page.")),
            ],
        },
    )


@login_required
@require_GET
def export_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.EXPORT_FORMATS:
        raise Http404
    # The account's alt text language (issue 18), or the one the export page's form asks for.
    try:
        lang = api_alt_language(request) if "lang" in request.GET else page_alt_language(request)
    except UnsupportedLanguage as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    exported = exports.export_library(request.user, fmt, lang)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def webhook_settings(request: HttpRequest) -> HttpResponse:
    hook = Webhook.objects.filter(user=request.user).first()
    error, new_secret, status = "", None, 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete":
            webhooks.delete_webhook(request.user)
            messages.success(request, _("Webhook removed: finished photos are no longer posted anywhere."))
            return redirect("integrations:webhook")
        if action == "new-secret" and hook is not None:
            new_secret = webhooks.regenerate_secret(hook)
        else:
            try:
                hook, new_secret = webhooks.save_webhook(
                    request.user,
                    request.POST.get("url", ""),
                    secret=request.POST.get("secret", ""),
                    active=request.POST.get("active") == "on",
                )
            except webhooks.WebhookInvalid as exc:
                error, status = str(exc), 400
            else:
                messages.success(request, _("Webhook saved."))
    return render(
        request,
        "integrations/webhook.html",
        {
            "hook": hook,
            "error": error,
            "new_secret": new_secret,
            "url_value": request.POST.get("url", "") if error else (hook.url if hook else ""),
        },
        status=status,
    )
