"""Sign-up, the account page (API tokens) and deleting one's account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from webapp.accounts import deletion
from webapp.accounts.forms import AltLanguageForm
from webapp.accounts.models import DEFAULT_ALT_LANGUAGE, ApiToken, Profile, alt_text_language
from webapp.accounts.tokens import issue_token
from webapp.photos.results import ALT_LANGUAGES


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("photos:library")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            # Suggestions come in the language the person signed up in, when the captioner speaks it.
            language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ALT_LANGUAGES else DEFAULT_ALT_LANGUAGE
            Profile.objects.create(user=user, alt_text_language=language)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome, %(name)s. Upload photos to get alt text.") % {"name": user.username})
            return redirect("photos:library")
        return render(request, "registration/signup.html", {"form": form}, status=400)
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    new_key, status = None, 200
    if request.method == "POST":
        try:
            _, new_key = issue_token(request.user, request.POST.get("name", ""))
        except ValueError as exc:
            messages.error(request, str(exc))
            status = 400
    tokens = ApiToken.objects.filter(user=request.user)
    language_form = AltLanguageForm(initial={"alt_text_language": alt_text_language(request.user)})
    context = {"tokens": tokens, "new_key": new_key, "language_form": language_form}
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_POST
def alt_language(request: HttpRequest) -> HttpResponse:
    """Save the account's alt text language: every suggestion is shown in it from now on (they are
    rendered from the stored plan, nothing is rerun); text a person wrote keeps its language."""
    form = AltLanguageForm(request.POST)
    if not form.is_valid():
        tokens = ApiToken.objects.filter(user=request.user)
        context = {"tokens": tokens, "new_key": None, "language_form": form}
        return render(request, "accounts/account.html", context, status=400)
    language = form.cleaned_data["alt_text_language"]
    Profile.objects.update_or_create(user=request.user, defaults={"alt_text_language": language})
    messages.success(request, _("Alt text language saved."))
    return redirect(reverse("accounts:account") + "#alt-language-title")


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.delete()
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:account")


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """The "Delete my account" page: the person confirms with their password; then their account, photos,
    files and tokens are gone and they are logged out."""
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            username = request.user.get_username()
            count = deletion.delete_account(request.user)
            logout(request)
            text = ngettext(
                "The account “%(name)s” and its %(count)d photo were deleted.",
                "The account “%(name)s” and its %(count)d photos were deleted.",
                count,
            )
            messages.success(request, text % {"name": username, "count": count})
            return redirect("login")
        error = _("The password is not right. Your account was not deleted.")
    return render(request, "accounts/delete.html", {"error": error}, status=400 if error else 200)
