from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction
from accounts.services import audit_record
from pcl.admin_columns import date_column

from . import services
from .forms import TerritoryOnboardForm
from .models import (
    Agency,
    Commune,
    CommuneGroup,
    Epci,
    Invitation,
    Membership,
    Signatory,
    Territory,
    TerritoryRole,
)
from .onboarding import OnboardingError, territory_onboard


def _audit_membership(request, membership: Membership, *, action: AuditAction, before: str = "") -> None:
    """Roles changed in the administration are logged like those changed on the site."""
    person = membership.user
    details = {"user_id": person.pk, "email": person.email, "role": membership.role}
    if before:
        details["previous_role"] = before
    audit_record(
        action=action,
        actor=request.user,
        target=f"{person.get_full_name()} <{person.email}> — {membership.get_role_display()}",
        commune=membership.commune,
        details={**details, "through": "admin"},
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ("name", "siren")
    search_fields = ("name", "siren")


class TerritoryRoleInline(admin.TabularInline):
    model = TerritoryRole
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "siren",
        "slug",
        "commune_count",
        "climate_plan_name",
        "reference_year",
        "is_demo",
    )
    list_filter = ("is_demo",)
    search_fields = ("name", "siren", "slug")
    inlines = [TerritoryRoleInline]
    change_list_template = "admin/communes/territory/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commune_count=Count("communes"))

    @admin.display(description=_("communes"), ordering="commune_count")
    def commune_count(self, territory):
        return territory.commune_count

    def get_urls(self):
        onboard = self.admin_site.admin_view(self.onboard_view)
        return [path("onboard/", onboard, name="communes_territory_onboard"), *super().get_urls()]

    def onboard_view(self, request):
        """The same as `manage.py territory_create`, through the same service; for administrators."""
        if not request.user.is_superuser:
            raise PermissionDenied
        form = TerritoryOnboardForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data["outlines"]
            try:
                result = territory_onboard(
                    siren=data["siren"],
                    name=data["name"],
                    slug=data["slug"],
                    outlines=upload.read() if upload else None,
                    outlines_name=upload.name if upload else "",
                    outlines_source=data["outlines_source"],
                    agency_name=data["agency"],
                )
            except OnboardingError as error:
                form.add_error(None, str(error))
            else:
                for line in result.summary():
                    messages.success(request, line)
                return redirect("admin:communes_territory_change", result.territory.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Onboard a territory"),
            "form": form,
        }
        return TemplateResponse(request, "admin/communes/territory/onboard.html", context)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "website")
    search_fields = ("name",)
    filter_horizontal = ("territories",)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "insee_code",
        "population",
        "stage",
        date_column(Commune, "charter_signed_on"),
        "territory",
        "epci",
    )
    list_filter = ("territory", "stage", "epci")
    search_fields = ("name", "insee_code", "siren")
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        before = {
            membership_form.instance.pk: membership_form.initial.get("role", "")
            for membership_form in formset.initial_forms
        }
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            _audit_membership(request, membership, action=AuditAction.ROLE_GRANTED)
        for membership, _fields in formset.changed_objects:
            _audit_membership(
                request, membership, action=AuditAction.ROLE_CHANGED, before=before.get(membership.pk, "")
            )
        for membership in formset.deleted_objects:
            _audit_membership(request, membership, action=AuditAction.ROLE_WITHDRAWN)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "commune", "role", date_column(Membership, "created_at"))
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name", "commune__name", "commune__insee_code")
    autocomplete_fields = ("user", "commune")
    list_select_related = ("user", "commune")

    def save_model(self, request, obj, form, change):
        before = form.initial.get("role", "") if change else ""
        super().save_model(request, obj, form, change)
        if not change:
            _audit_membership(request, obj, action=AuditAction.ROLE_GRANTED)
        elif form.changed_data:
            _audit_membership(request, obj, action=AuditAction.ROLE_CHANGED, before=before)

    def delete_model(self, request, obj):
        _audit_membership(request, obj, action=AuditAction.ROLE_WITHDRAWN)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "commune"):
            _audit_membership(request, membership, action=AuditAction.ROLE_WITHDRAWN)
        super().delete_queryset(request, queryset)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "commune",
        "role",
        "invited_by",
        *(date_column(Invitation, name) for name in ("created_at", "accepted_at", "revoked_at")),
    )
    list_filter = ("role",)
    search_fields = ("email", "commune__name")
    list_select_related = ("commune", "invited_by")
    readonly_fields = ("created_at", "accepted_at", "accepted_by", "revoked_at")
    autocomplete_fields = ("commune", "invited_by")


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ("name", "territory", "type", date_column(Signatory, "signed_on"), "is_demo")
    list_filter = ("territory", "type", "is_demo")
    list_select_related = ("territory",)
    search_fields = ("name", "siren")


class CommuneGroupForm(forms.ModelForm):
    class Meta:
        model = CommuneGroup
        fields = ["territory", "name", "communes", "order", "is_demo"]

    def clean(self):
        cleaned = super().clean()
        territory, communes = cleaned.get("territory"), cleaned.get("communes")
        if territory is not None and communes is not None:
            try:
                services.commune_group_communes_check(territory=territory, communes=communes)
            except ValidationError as error:
                self.add_error("communes", error)
        return cleaned


@admin.register(CommuneGroup)
class CommuneGroupAdmin(admin.ModelAdmin):
    form = CommuneGroupForm
    list_display = ("name", "territory", "order", "commune_count", "is_demo")
    list_editable = ("order",)
    list_filter = ("territory", "is_demo")
    list_select_related = ("territory",)
    search_fields = ("name",)
    filter_horizontal = ("communes",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commune_count=Count("communes"))

    @admin.display(description=_("communes"), ordering="commune_count")
    def commune_count(self, group):
        return group.commune_count
