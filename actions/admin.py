from django.contrib import admin

from pcl.admin_columns import date_column, year_column

from .models import (
    Action,
    ActionPlan,
    AwarenessReport,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    FollowUpNote,
    HistoryEntry,
    Milestone,
    PlanAxis,
    PlanTransition,
    ReplacedDeliberation,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "order")
    list_editable = ("name_en", "order")
    search_fields = ("name", "name_en", "code")


@admin.register(CatalogueAction)
class CatalogueActionAdmin(admin.ModelAdmin):
    list_display = ("title", "theme", "target", "difficulty", "is_active")
    list_filter = ("theme", "target", "difficulty", "is_active")
    search_fields = ("title", "description")


class PlanAxisInline(admin.TabularInline):
    model = PlanAxis
    extra = 0


class PlanTransitionInline(admin.TabularInline):
    model = PlanTransition
    extra = 0
    readonly_fields = ("from_status", "to_status", "by", "at", "comment")
    can_delete = False


class ReplacedDeliberationInline(admin.TabularInline):
    model = ReplacedDeliberation
    extra = 0
    readonly_fields = ("file", "replaced_by", "replaced_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = (
        "commune",
        "title",
        "version",
        "status",
        year_column(ActionPlan, "start_year"),
        year_column(ActionPlan, "end_year"),
        date_column(ActionPlan, "deliberation_date"),
        "published_at",
    )
    list_filter = ("status", ("published_at", admin.EmptyFieldListFilter))
    search_fields = ("commune__name", "title", "deliberation_number")
    list_select_related = ("commune",)
    inlines = [PlanAxisInline, PlanTransitionInline, ReplacedDeliberationInline]
    raw_id_fields = ("previous_version",)
    # Attached or replaced on the plan's page only: its type is checked there and an earlier file is kept.
    # Published and withdrawn on the plan's page only: that checks the plan is adopted and records who did it.
    readonly_fields = ("deliberation_file", "published_at", "published_by")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class CoFunderInline(admin.TabularInline):
    model = CoFunder
    extra = 0


class FollowUpNoteInline(admin.TabularInline):
    model = FollowUpNote
    extra = 0


class AwarenessReportInline(admin.TabularInline):
    model = AwarenessReport
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "plan",
        "theme",
        "status",
        "progress",
        "origin",
        date_column(Action, "updated_at"),
    )
    list_filter = ("status", "origin", "theme")
    search_fields = ("title", "plan__commune__name")
    list_select_related = ("plan__commune", "theme")
    raw_id_fields = ("plan", "axis", "catalogue_action", "owner", "updated_by")
    readonly_fields = ("revision", "updated_at", "updated_by")
    inlines = [MilestoneInline, BudgetLineInline, CoFunderInline, AwarenessReportInline, FollowUpNoteInline]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = (date_column(HistoryEntry, "at"), "plan", "action", "user", "summary")
    list_select_related = ("plan__commune", "action", "user")
    readonly_fields = ("plan", "action", "user", "at", "summary", "changes", "revision")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
