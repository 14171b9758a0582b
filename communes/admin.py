from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from pcl.admin_columns import date_column

from .models import Commune, CommuneGroup, Epci, Invitation, Membership, Signatory


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ("name", "siren", "climate_plan_name", "climate_plan_year", "holds_agglomeration_targets")
    search_fields = ("name", "siren")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "insee_code",
        "population",
        "stage",
        date_column(Commune, "charter_signed_on"),
        "epci",
    )
    list_filter = ("stage", "epci")
    search_fields = ("name", "insee_code", "siren")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "commune", "role", date_column(Membership, "created_at"))
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name", "commune__name", "commune__insee_code")
    autocomplete_fields = ("user", "commune")
    list_select_related = ("user", "commune")


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
    list_display = ("name", "type", date_column(Signatory, "signed_on"), "is_demo")
    list_filter = ("type", "is_demo")
    search_fields = ("name", "siren")


@admin.register(CommuneGroup)
class CommuneGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "commune_count", "is_demo")
    list_editable = ("order",)
    list_filter = ("is_demo",)
    search_fields = ("name",)
    filter_horizontal = ("communes",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commune_count=Count("communes"))

    @admin.display(description=_("communes"), ordering="commune_count")
    def commune_count(self, group):
        return group.commune_count
