from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from communes.models import TerritoryRole
from pcl.admin_columns import date_column

from .models import AuditAction, AuditEvent, User
from .services import audit_record

NETWORK_ROLE_FIELDS = ("agency", "is_superuser", "is_staff", "is_active")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class TerritoryRoleInline(admin.TabularInline):
    """A territory's officer: reads its communes, manages its observatory (communes.TerritoryRole)."""

    model = TerritoryRole
    extra = 0
    readonly_fields = ("created_at",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("full_name", "email")
    list_display = (
        "email",
        "full_name",
        "agency",
        "is_superuser",
        "is_active",
        date_column(User, "last_login"),
    )
    list_filter = ("agency", "territory_roles__territory", "is_superuser", "is_staff", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (
            _("Network-wide roles"),
            {"fields": ("agency", "is_superuser", "is_staff", "is_active")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ()
    inlines = [TerritoryRoleInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [name for name in NETWORK_ROLE_FIELDS if name in form.changed_data]
        if changed:
            # The agency by its name: the log is JSON, and names what a reader recognises.
            values = {name: getattr(obj, name) for name in changed}
            if "agency" in values:
                values["agency"] = str(values["agency"]) if values["agency"] else None
            self._audit_roles(request, obj, values)

    def save_formset(self, request, form, formset, change):
        """The territory roles (officer of a territory) granted or withdrawn are logged like the other
        network roles."""
        if formset.model is not TerritoryRole:
            return super().save_formset(request, form, formset, change)
        user = form.instance
        before = self._officer_of(user)
        super().save_formset(request, form, formset, change)
        after = self._officer_of(user)
        if before != after:
            self._audit_roles(request, user, {"officer_of": after}, previous={"officer_of": before})

    @staticmethod
    def _officer_of(user) -> list[str]:
        return sorted(TerritoryRole.objects.filter(user=user).values_list("territory__name", flat=True))

    def _audit_roles(self, request, user, changes: dict, previous: dict | None = None):
        details = {"object": "user", "id": user.pk, "changes": changes}
        if previous is not None:
            details["previous"] = previous
        audit_record(
            action=AuditAction.NETWORK_ROLE_CHANGED,
            actor=request.user,
            target=f"{user.get_full_name()} <{user.email}>",
            details=details,
        )

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self._audit_deletion(request, user)
        super().delete_queryset(request, queryset)

    def _audit_deletion(self, request, user):
        audit_record(
            action=AuditAction.DELETED,
            actor=request.user,
            target=f"{user.get_full_name()} <{user.email}>",
            details={"object": "user", "id": user.pk},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: no one adds, edits or deletes an event (the site's page at
    /audit/ filters it too and exports it as CSV)."""

    list_display = (date_column(AuditEvent, "at"), "action", "actor_email", "target", "commune", "ip_address")
    list_filter = ("action",)
    date_hierarchy = "at"
    search_fields = ("actor_email", "actor__full_name", "target", "ip_address")
    list_select_related = ("commune",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
