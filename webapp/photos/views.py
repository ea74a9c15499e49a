"""Pages of the photo library. Thin: each view checks ownership and calls a service."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _  # issue 18: the interface in de/fr/es
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from webapp.accounts.languages import page_alt_language
from webapp.ids import parse_ids
from webapp.photos import failures, files, overlay, services
from webapp.photos.forms import AltTextForm
from webapp.photos.models import Photo
from webapp.photos.results import publishable, read_result, suggestion, thumbnail_alt, with_plans
from webapp.photos.uploads import ALLOWED_DESCRIPTION, UploadRejected


def _own_photo(request: HttpRequest, pk: int) -> Photo:
    # Another user's photo is a 404, not a 403: ids of other people's photos are not confirmed.
    return get_object_or_404(Photo, pk=pk, owner=request.user)


def upload_context() -> dict:
    return {
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "max_bytes": settings.UPLOAD_MAX_BYTES,
        "max_files": settings.UPLOAD_MAX_FILES,
        "max_megapixels": settings.UPLOAD_MAX_PIXELS // 1_000_000,
        "allowed": ALLOWED_DESCRIPTION,
    }


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    # One page (PAGE_SIZE, as the API's list) without the stored masks (``result``): the page
    # shows none of it, and it is most of a row's bytes.
    photos = with_plans(Photo.objects.filter(owner=request.user).defer("result"))  # issue 18: plans, not masks
    page_obj = Paginator(photos, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    pending = [p.pk for p in page_obj if not p.is_finished]
    return render(
        request,
        "photos/library.html",
        {
            "photos": page_obj,
            "page_obj": page_obj,
            "page_range": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
            "pending": pending,
            **upload_context(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "photos/upload.html", upload_context())
    files = request.FILES.getlist("images")
    if not files:
        return render(
            request,
            "photos/upload.html",
            {"form_errors": [_("Choose at least one photo to upload.")], **upload_context()},
            status=400,
        )
    try:
        outcomes = services.create_photos(request.user, files)
    except UploadRejected as exc:
        return render(request, "photos/upload.html", {"form_errors": [str(exc)], **upload_context()}, status=400)
    accepted = [o for o in outcomes if o.photo]
    rejected = [o for o in outcomes if o.error]
    if accepted and not rejected:
        count = len(accepted)
        text = ngettext(
            "%(count)d photo uploaded and queued for description.",
            "%(count)d photos uploaded and queued for description.",
            count,
        )
        messages.success(request, text % {"count": count})
        return redirect("photos:library")
    return render(
        request,
        "photos/upload.html",
        {"accepted": accepted, "rejected": rejected, **upload_context()},
        status=200 if accepted else 503 if any(o.unavailable for o in rejected) else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _own_photo(request, pk)
    lang = page_alt_language(request)  # issue 18: suggestions in the account's alt text language
    if request.method == "POST":
        form = AltTextForm(request.POST)
        if form.is_valid():
            shown = suggestion(photo, lang)
            try:
                services.review_alt(
                    photo,
                    action=form.cleaned_data["action"],
                    text=form.cleaned_data["alt_text"],
                    suggestion=shown.alt_text,
                    lang=shown.lang if form.cleaned_data["action"] == "accept" else lang,
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _review_message(photo))
                return redirect(reverse("photos:detail", args=[photo.pk]) + "#alt-result")
        status = 400
    else:
        form = AltTextForm(initial={"alt_text": publishable(photo, lang).text})
        status = 200
    return render(request, "photos/detail.html", {**_detail_context(photo, lang), "form": form}, status=status)


def _detail_context(photo: Photo, lang: str) -> dict:
    stored = read_result(photo.result)
    # issue 18: the stored description said in ``lang`` (rendered from its plan), regions included.
    result = stored.in_language(lang) if stored is not None else None
    current = stored is not None and stored.description.alt_text == photo.suggested_alt
    shown = suggestion(photo, lang)
    alt = publishable(photo, lang)
    regions = overlay.regions(result)
    from_masks = result is not None and result.has_masks
    return {
        "photo": photo,
        "regions": regions,
        "from_masks": from_masks,
        "overlay_alt": overlay.overlay_alt(regions, from_masks),
        # The texts with the phrases that name regions as links (only while they are the stored result's).
        "alt_pieces": overlay.linked_text(shown.alt_text, "alt_text", regions)
        if current
        else [overlay.Piece(shown.alt_text)],
        "long_pieces": overlay.linked_text(shown.long_description, "long_description", regions)
        if current and stored.description.long_description == photo.long_description
        else [overlay.Piece(shown.long_description)],
        "suggestion": shown,
        "alt": alt,
        # ``lang`` on the tag when its text is not in the page's language (the copier's page).
        "snippet": services.html_snippet(photo, alt.text, alt.lang if alt.lang != get_language() else ""),
        "max_attempts": settings.PHOTO_MAX_ATTEMPTS,
        "next_photo": _neighbour(photo, older=True),
        "previous_photo": _neighbour(photo, older=False),
    }


def _neighbour(photo: Photo, *, older: bool) -> Photo | None:
    """The next photo in library order (newest first, like ``Photo.Meta.ordering``), or the previous."""
    mine = Photo.objects.filter(owner=photo.owner_id).only("pk", "original_name", "created_at")
    if older:
        after = Q(created_at__lt=photo.created_at) | Q(created_at=photo.created_at, pk__lt=photo.pk)
        return mine.filter(after).order_by("-created_at", "-id").first()
    before = Q(created_at__gt=photo.created_at) | Q(created_at=photo.created_at, pk__gt=photo.pk)
    return mine.filter(before).order_by("created_at", "id").first()


def _review_message(photo: Photo) -> str:
    if photo.is_decorative:
        return _("Marked as decorative: the image will get an empty alt attribute.")
    return _("Alt text saved.")


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _own_photo(request, pk)
    if photo.status in {Photo.Status.FAILED, Photo.Status.REJECTED}:
        services.retry(photo)
        messages.success(request, _("%(name)s queued again.") % {"name": photo.original_name})
    return redirect("photos:detail", pk=photo.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _own_photo(request, pk)
    name = photo.original_name
    services.delete_photo(photo)
    messages.success(request, _("%(name)s deleted.") % {"name": name})
    return redirect("photos:library")


@login_required
@require_GET
def image(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The stored photo (``kind="thumb"``: its thumbnail), as uploaded and re-encoded, streamed
    from storage to its owner only (README, "Serving photos": never a public URL).

    A stored name is written once and never rewritten (random, ``files``), so a hash of it is the
    file's ETag: a browser's revalidation is answered 304 without touching the storage. With
    ``MEDIA_REDIRECT_SECONDS`` on S3 it redirects to a URL signed for that long instead."""
    photo = _own_photo(request, pk)
    name = photo.thumbnail if kind == "thumb" else photo.image
    url = files.signed_url(name, settings.MEDIA_REDIRECT_SECONDS)
    if url is not None:
        response = redirect(url)
        response["Cache-Control"] = "private, no-store"  # the URL expires; the next view signs anew
        return response
    cache_control = "private, max-age=3600"
    etag = quote_etag(hashlib.sha256(name.encode()).hexdigest()[:32])
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        not_modified["Cache-Control"] = cache_control
        return not_modified
    response = _jpeg(request, pk, lambda _: files.open_file(name), cache_control=cache_control, photo=photo)
    response["ETag"] = etag
    return response


@login_required
@require_GET
def overlay_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo with its numbered regions drawn on it (see ``overlay``), for sighted reviewers."""
    return _jpeg(
        request,
        pk,
        lambda photo: overlay.render_overlay(files.read_bytes(photo.image), read_result(photo.result)),
        cache_control="private, no-cache",
    )


def _jpeg(
    request: HttpRequest,
    pk: int,
    make: Callable[[Photo], bytes | IO[bytes]],
    *,
    cache_control: str,
    photo: Photo | None = None,
) -> HttpResponse:
    """A JPEG made from the requester's own photo by ``make`` (a 404 when its file is missing, a
    503 while the storage does not answer), never sniffed as anything else. A file object is
    streamed with its Content-Length (``FileResponse``)."""
    photo = photo or _own_photo(request, pk)
    try:
        body = make(photo)
    except FileNotFoundError:
        raise Http404("Image file missing") from None
    except files.StorageUnavailable:
        response = HttpResponse("The photo storage is not answering; try again shortly.", status=503)
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["Retry-After"] = "5"
        return response
    if isinstance(body, bytes):
        response: HttpResponse = HttpResponse(body, content_type="image/jpeg")
    else:
        response = FileResponse(body, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response


@login_required
@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """Statuses of the given photos, for the library's polling script."""
    try:
        ids = parse_ids(request.GET.get("ids", ""), limit=200)
    except ValueError:
        return JsonResponse({"error": "ids must be a comma-separated list of numbers"}, status=400)
    photos = with_plans(Photo.objects.filter(owner=request.user, pk__in=ids).defer("result"))
    lang = page_alt_language(request)
    return JsonResponse(
        {
            "photos": [
                {
                    "id": p.pk,
                    "name": p.original_name,
                    "status": p.status,
                    "status_label": p.get_status_display(),
                    # issue 18: by its failure code in the interface language, else the stored English
                    "message": (said := failures.status_message(p)).text,
                    "message_lang": said.lang,
                    "attempts": p.attempts,
                    "last_error": p.last_error,
                    "alt": (alt := thumbnail_alt(p, lang)).text,
                    "alt_lang": alt.lang,  # issue 18: its language, when it has one
                    "finished": p.is_finished,
                }
                for p in photos
            ]
        }
    )
