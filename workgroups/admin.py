from django.contrib import admin

from pcl.admin_columns import date_column

from .models import Decision, GroupMember, Meeting, MeetingDocument, Reminder, WorkingGroup


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("commune", "name", date_column(WorkingGroup, "created_on"), "reminder_interval_days")
    inlines = [GroupMemberInline]


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    filter_horizontal = ("actions",)


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0
    # Attached on the meeting's page only, where their type and size are checked.
    readonly_fields = ("file", "uploaded_by", "uploaded_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("group", date_column(Meeting, "starts_at"), "place")
    list_select_related = ("group__commune",)
    inlines = [DecisionInline, MeetingDocumentInline]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("commune", date_column(Reminder, "sent_at"), "reason", "recipients")
    list_filter = ("reason",)
