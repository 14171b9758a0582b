from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput
from pcl import forms as pcl_forms

from .models import Letter, LetterSection
from .territories import DEFAULT_SORT, SORTS


class LetterPeriodForm(forms.Form):
    """The territory whose letter it is (among those the user writes) and the period a new issue covers:
    its highlights are gathered from that territory's network in that period."""

    territory = pcl_forms.ModelChoiceField(queryset=None, label=_("Territory"), empty_label=None)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: the period, in words."),
    )
    editorial = forms.CharField(
        label=_("Editorial"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional: it can be written later, until the letter is published."),
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

    @classmethod
    def for_last_quarter(cls, *, territories, territory=None):
        """The three months to the end of the last month, offered by default."""
        today = timezone.localdate()
        end = today.replace(day=1) - timedelta(days=1)
        months = end.year * 12 + end.month - 1 - 2
        start = date(months // 12, months % 12 + 1, 1)
        return cls(
            initial={"period_start": start, "period_end": end, "territory": territory},
            territories=territories,
        )


class LetterForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = ["title", "editorial"]
        widgets = {"editorial": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "editorial": _(
                "The editor's word, shown first in the letter, its email and its PDF. One paragraph per "
                "blank line; “- ” starts a list item."
            )
        }


class SectionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(label=_("Position"), min_value=1, max_value=999, required=False)
    heading = forms.CharField(
        label=_("Heading"), max_length=LetterSection._meta.get_field("heading").max_length
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=LetterSection._meta.get_field("body").help_text,
    )


class BaseSectionFormSet(forms.BaseFormSet):
    def sections(self) -> list[dict]:
        """The sections kept, in the order asked for (by position, then as listed), for the service."""
        kept = [
            (form.cleaned_data.get("order") or 999, index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if form.has_changed() or form.cleaned_data.get("id")
            if not self._should_delete_form(form)
        ]
        return [
            {"id": data.get("id"), "heading": data["heading"], "body": data.get("body", "")}
            for _order, _index, data in sorted(kept, key=lambda row: row[:2])
        ]


SectionFormSet = forms.formset_factory(
    SectionForm, formset=BaseSectionFormSet, extra=1, can_delete=True, max_num=50, validate_max=True
)


def section_formset(letter: Letter, data=None) -> BaseSectionFormSet:
    initial = [
        {"id": section.pk, "order": position, "heading": section.heading, "body": section.body}
        for position, section in enumerate(letter.sections.all(), start=1)
    ]
    return SectionFormSet(data=data, initial=initial, prefix="sections")


def _count(label):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=500)


class DeliberationCouncilForm(forms.Form):
    """The blanks of a draft deliberation that the council's secretariat knows before the meeting, all
    optional: those given are printed, the others stay blanks to fill in by hand."""

    meeting_date = forms.DateField(label=_("Date of the council meeting"), required=False, widget=DateInput())
    notice_date = forms.DateField(
        label=_("Date of the notice of meeting"), required=False, widget=DateInput()
    )
    in_office = _count(_("Councillors in office"))
    present = _count(_("Present"))
    represented = _count(_("Represented"))
    voting = _count(_("Voting"))
    rapporteur = forms.CharField(label=_("Rapporteur"), required=False, max_length=200)
    votes_for = _count(_("For"))
    votes_against = _count(_("Against"))
    abstentions = _count(_("Abstentions"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def clean(self):
        cleaned = super().clean()
        meeting, notice = cleaned.get("meeting_date"), cleaned.get("notice_date")
        if meeting and notice and notice > meeting:
            self.add_error("notice_date", _("The notice of meeting comes before the meeting."))
        in_office = cleaned.get("in_office")
        for name in ("present", "voting"):
            value = cleaned.get(name)
            if in_office is not None and value is not None and value > in_office:
                self.add_error(name, _("More than the councillors in office."))
        return cleaned

    def details(self) -> dict:
        """What was filled in, as stored with the document (dates in ISO form)."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class TerritorySortForm(forms.Form):
    """The order of the territories compared (the administrator's view)."""

    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [(key, label) for key, (label, _key, _largest) in SORTS.items()]

    @property
    def chosen_sort(self) -> str:
        """The order asked for; by name when none or an unknown one is asked."""
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or DEFAULT_SORT
