from django import forms
from django.utils.translation import gettext_lazy as _

from actions.selectors import commune_actions
from communes.forms import DateInput
from communes.selectors import commune_people
from pcl.widgets import DateTimeInput

from .models import Decision, GroupMember, Meeting, WorkingGroup


class GroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["name", "created_on", "reminder_interval_days"]
        widgets = {"created_on": DateInput()}


class MemberForm(forms.ModelForm):
    class Meta:
        model = GroupMember
        fields = ["user", "name", "function", "joined_on", "left_on"]
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = commune_people(commune=commune)
        self.fields["user"].label_from_instance = lambda user: user.get_full_name()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "starts_at",
            "ends_at",
            "place",
            "video_link",
            "agenda",
            "attendees",
            "guests",
            "minutes",
            "next_meeting_on",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "next_meeting_on": DateInput(),
            "attendees": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "guests": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = group.members.select_related("user")
        self.fields["attendees"].label_from_instance = lambda member: (
            f"{member.label} ({member.get_function_display()})"
        )


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "actions"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "actions": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = commune_actions(commune=commune)
        self.fields["actions"].label_from_instance = lambda action: f"{action.title} (v{action.plan.version})"


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
