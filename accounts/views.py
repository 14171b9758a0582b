from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from communes import permissions
from pcl.links import link_maker

from .forms import AccountForm, ThrottledAuthenticationForm


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
    context = {"form": form, "roles": roles, "officer_of": officer_of, "agency": agency, "served": served}
    return render(request, "accounts/account.html", context)
