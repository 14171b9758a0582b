from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from communes import permissions
from pcl.links import link_maker

from . import services
from .forms import AccountForm, ApiTokenForm, ThrottledAuthenticationForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


def admin_login(request):
    """The administration signs in through the site's own page, and so through its throttle."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if admin.site.has_permission(request):
        return redirect(next_url)
    if request.user.is_authenticated:
        # Signed in without access to the administration: the login page would send them straight
        # back here, so say no instead.
        raise PermissionDenied
    return auth_views.redirect_to_login(next_url, reverse("accounts:login"))


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:account")
    # An advisor holds hundreds of roles at national scale: plain values rather than a model per row.
    memberships = request.user.memberships.order_by("commune__name", "role")
    labels = dict(memberships.model._meta.get_field("role").choices)
    commune_url = link_maker("communes:detail")
    roles = [
        (commune_url(insee_code), name, labels.get(role, role))
        for insee_code, name, role in memberships.values_list("commune__insee_code", "commune__name", "role")
    ]
    officer = permissions.officer_territory_ids(request.user)
    officer_of = permissions.visible_territories(request.user).filter(pk__in=officer) if officer else []
    agency = request.user.agency if request.user.agency_id else None
    served = ", ".join(agency.territories.order_by("name").values_list("name", flat=True)) if agency else ""
    context = {
        "form": form,
        "roles": roles,
        "officer_of": officer_of,
        "agency": agency,
        "served": served,
        "tokens": list(request.user.api_tokens.order_by("-created_at", "-pk")),
        "token_form": ApiTokenForm(),
    }
    return render(request, "accounts/account.html", context)


# --- personal API tokens --------------------------------------------------------------------------


@login_required
def token_create(request):
    """Creates a personal token and shows it, once: only its digest is kept."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("name" if hasattr(error, "error_dict") else None, message)
        else:
            response = render(request, "accounts/token_created.html", {"token": token, "raw_token": raw})
            # The token is in this page only: never kept by a cache, never shown again.
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
def token_revoke(request, token_id):
    """Revokes one of the person's own tokens (after a confirmation): tools using it get 401 at once."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if request.method == "POST":
        services.api_token_revoke(token=token)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("accounts:account")
    return render(request, "accounts/token_revoke.html", {"token": token})
