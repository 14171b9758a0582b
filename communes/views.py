from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import exports as accounts_exports
from accounts import selectors as accounts_selectors
from accounts.forms import AuditFilterForm, NewAccountForm
from accounts.models import AuditEvent
from pcl.links import link_maker
from pcl.pagination import paginate

from . import permissions, selectors, services
from .forms import CommuneFilterForm, CommuneForm, InvitationForm, SignatoryForm
from .models import Invitation, Membership, Signatory

COMMUNES_PER_PAGE = 50
AUDIT_EVENTS_PER_PAGE = 50


@login_required
def home(request):
    user = request.user
    if permissions.can_view_portfolio(user):
        return redirect("communes:portfolio")
    roles = permissions.commune_roles(user)
    if len(roles) == 1 and not permissions.has_territory_scope(user):
        commune = permissions.visible_communes(user).get()
        return redirect("communes:detail", insee_code=commune.insee_code)
    return redirect("communes:list")


@login_required
def commune_list(request):
    user = request.user
    territories = selectors.territories_to_filter(user)
    # A territory the user does not see is 404 (rather than an ignored filter), as on every page.
    selectors.chosen_territory(territories, request.GET.get("territory"))
    form = CommuneFilterForm(
        request.GET or None, advisor_choices=selectors.advisors_visible(user), territories=territories
    )
    filters = form.cleaned_data if form.is_valid() else {}
    advisor = filters.get("advisor")
    territory = form.chosen_territory()
    communes = selectors.commune_list(
        user=user,
        search=filters.get("q", "").strip(),
        stage=filters.get("stage", ""),
        advisor_id=advisor.pk if advisor else None,
        territory_id=territory.pk if territory else None,
    )
    context = paginate(request, communes, COMMUNES_PER_PAGE)
    link = link_maker("communes:detail")
    for commune in context["page"].object_list:
        commune.url = link(commune.insee_code)
    return render(
        request,
        "communes/commune_list.html",
        {"form": form, **context, "has_any_commune": permissions.has_any_commune(user)},
    )


@login_required
def commune_edit(request, insee_code):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    permissions.require(permissions.can_edit_commune(user, commune))
    advisor_choices = None
    if permissions.can_assign_advisors(user):
        advisor_choices = selectors.assignable_advisors(commune=commune)
    form = CommuneForm(request.POST or None, instance=commune, advisor_choices=advisor_choices)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in CommuneForm.Meta.fields}
        try:
            services.commune_update(
                commune=commune, data=data, advisors=form.cleaned_data.get("advisors"), user=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The commune was saved."))
            return redirect("communes:detail", insee_code=commune.insee_code)
    return render(request, "communes/commune_form.html", {"commune": commune, "form": form})


@login_required
def commune_invite(request, insee_code):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    permissions.require(permissions.can_manage_members(user, commune))
    form = InvitationForm(request.POST or None, roles=permissions.grantable_roles(user, commune))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                commune=commune,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s as %(role)s.")
                % {"email": invitation.email, "role": invitation.get_role_display()},
            )
            return redirect("communes:detail", insee_code=commune.insee_code)
    return render(request, "communes/invite.html", {"commune": commune, "form": form})


@login_required
@require_POST
def invitation_revoke(request, insee_code, invitation_id):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    invitation = get_object_or_404(
        Invitation.objects.select_related("commune"), pk=invitation_id, commune=commune
    )
    permissions.require(permissions.can_revoke_invitation(user, invitation))
    try:
        services.invitation_revoke(invitation=invitation, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("communes:detail", insee_code=commune.insee_code)


@login_required
@require_POST
def membership_remove(request, insee_code, membership_id):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "commune"), pk=membership_id, commune=commune
    )
    permissions.require(permissions.can_remove_membership(user, membership))
    services.membership_remove(membership=membership, user=user)
    messages.success(
        request,
        _("%(person)s no longer holds the role %(role)s.")
        % {"person": membership.user, "role": membership.get_role_display()},
    )
    return redirect("communes:detail", insee_code=commune.insee_code)


def invitation_accept(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "communes/invitation_invalid.html", {"error": error.messages[0]}, status=410)

    signed_in = request.user if request.user.is_authenticated else None
    has_account = signed_in is not None or selectors.account_exists(email=invitation.email)
    form = None if has_account else NewAccountForm(user=None, data=request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            member = services.invitation_accept(
                invitation=invitation,
                user=signed_in,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["new_password1"] if form else "",
            )
        except ValidationError as error:
            if form is None:
                return render(
                    request, "communes/invitation_invalid.html", {"error": error.messages[0]}, status=409
                )
            form.add_error(None, error)
        else:
            if signed_in is None and form is not None:
                login(request, member, backend="accounts.backends.ThrottledModelBackend")
            if request.user.is_authenticated:
                messages.success(
                    request,
                    _("Welcome to the Plan Climat Local of %(commune)s.") % {"commune": invitation.commune},
                )
                return redirect("communes:detail", insee_code=invitation.commune.insee_code)
            messages.success(request, _("Invitation accepted: sign in with your email address to continue."))
            return redirect("accounts:login")
    return render(
        request,
        "communes/invitation_accept.html",
        {"invitation": invitation, "form": form, "signed_in": signed_in},
    )


@login_required
def signatory_list(request):
    """The signatories of the territories the user sees (a territory column and filter when they are
    several)."""
    user = request.user
    permissions.require(permissions.can_view_signatories(user))
    type_filter = request.GET.get("type", "")
    choices = selectors.signatory_type_choices()
    if type_filter not in {value for value, _label in choices}:
        type_filter = ""
    territories = selectors.territories_to_filter(user)
    territory = selectors.chosen_territory(territories, request.GET.get("territory"))
    scope = territory.pk if territory else permissions.visible_territory_ids(user)
    context = paginate(request, selectors.signatory_rows(type_filter=type_filter, territory_ids=scope))
    context["page"].object_list = [selectors.signatory_row(values) for values in context["page"].object_list]
    editable = permissions.network_territory_ids(user)
    for row in context["page"].object_list:
        row.can_edit = bool(row.signatory_id) and (editable is None or row.territory_id in editable)
    return render(
        request,
        "communes/signatory_list.html",
        {
            **context,
            "rows": context["page"].object_list,
            "type_choices": choices,
            "type_filter": type_filter,
            "territories": territories,
            "territory": territory,
            "counts": selectors.network_counts(territory_ids=scope),
            "can_edit": permissions.can_edit_signatories(user),
        },
    )


@login_required
def signatory_edit(request, signatory_id=None):
    """Add or edit a signatory: among the territories whose signatories the user edits; 404 on one of
    a territory they do not see."""
    user = request.user
    if signatory_id:
        signatory = selectors.signatory_for_user(user, signatory_id)
        territories = [signatory.territory]
    else:
        permissions.require(permissions.can_edit_signatories(user))
        signatory = Signatory()
        territories = selectors.signatory_territories(user)
    form = SignatoryForm(request.POST or None, instance=signatory, territories=territories)
    if request.method == "POST" and form.is_valid():
        services.signatory_save(signatory=form.instance)
        messages.success(request, _("%(name)s was saved.") % {"name": signatory.name})
        return redirect("communes:signatories")
    return render(request, "communes/signatory_form.html", {"form": form, "signatory": signatory})


def _audit_events(request) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = accounts_selectors.audit_events(
        action=filters.get("action", ""),
        person=filters.get("person", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return form, events


@login_required
def audit_log(request):
    """The audit log, for the administrators: filters, pages, and the same selection as CSV."""
    permissions.require(permissions.can_view_audit_log(request.user))
    form, events = _audit_events(request)
    return render(
        request, "communes/audit_log.html", {"form": form, **paginate(request, events, AUDIT_EVENTS_PER_PAGE)}
    )


@login_required
def audit_log_export(request):
    permissions.require(permissions.can_view_audit_log(request.user))
    _form, events = _audit_events(request)
    response = StreamingHttpResponse(
        accounts_exports.audit_csv(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="journal-audit-{stamp}.csv"'
    return response
