from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput
from communes.selectors import commune_people
from pcl import forms as pcl_forms
from pcl.formatting import money
from pcl.uploads import validate_upload

from .imports import IMPORT_TYPES
from .models import (
    Action,
    ActionPlan,
    ActionStatus,
    AwarenessReport,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    CoFunderStatus,
    FollowUpNote,
    Milestone,
    Origin,
    PlanAxis,
    PlanStatus,
    Target,
    Theme,
)
from .services import (
    ACTION_CONTENT_FIELDS,
    ACTION_FIELDS,
    FOLLOW_UP_FIELDS,
    FollowUp,
    deliberation_file_check,
    out_of_date_message,
    snapshot,
)


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "start_year", "end_year"]


class AxisForm(forms.ModelForm):
    class Meta:
        model = PlanAxis
        fields = ["title", "parent", "order"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = plan.axes.all()


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DeliberationForm(TransitionForm):
    deliberation_date = forms.DateField(label=_("Date of the council meeting"), widget=DateInput())
    deliberation_number = forms.CharField(label=_("Deliberation number"), max_length=50)
    deliberation_file = forms.FileField(
        label=_("Signed deliberation (PDF)"),
        required=False,
        help_text=_("It can also be attached later."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    field_order = ["deliberation_date", "deliberation_number", "deliberation_file", "comment"]

    def clean_deliberation_file(self):
        return validate_pdf(self.cleaned_data.get("deliberation_file"))


class DeliberationFileForm(forms.Form):
    deliberation_file = forms.FileField(
        label=_("Signed deliberation (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_deliberation_file(self):
        return validate_pdf(self.cleaned_data.get("deliberation_file"))


class ActionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of actions (XLSX or CSV)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None:
            # Type by name and content, size: pcl.uploads, like every upload.
            self.file_type = validate_upload(
                upload, allowed=IMPORT_TYPES, max_bytes=settings.ACTION_IMPORT_MAX_BYTES
            )
        return upload


def validate_pdf(upload):
    if upload is not None:
        deliberation_file_check(upload)
    return upload


class ActionForm(forms.ModelForm):
    """Content and follow-up of an action. Only the follow-up stays editable once the plan is adopted."""

    # The revision the page was built from, required to edit an action: without it a save could
    # silently overwrite a concurrent one. A missing or garbled one is refused above the form ("this
    # page is out of date"), and by the service too.
    revision = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = ACTION_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan, content_editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = plan.axes.all()
        self.fields["theme"].queryset = Theme.objects.all()
        # The commune's members, and the current owner even if they have left it since.
        self.fields["owner"].queryset = commune_people(
            commune=plan.commune, also_user_id=self.instance.owner_id
        )
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name()
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        if not content_editable:
            for name, field in self.fields.items():
                if name not in FOLLOW_UP_FIELDS and name != "revision":
                    field.disabled = True

    def read_only(self) -> list[tuple[str, str]]:
        """(label, value as text) of the fields the person may read but not change here: shown as
        text, not as disabled inputs."""
        names = [name for name, field in self.fields.items() if field.disabled]
        return list(snapshot(self.instance, names).values())

    def clean_revision(self) -> int | None:
        value = self.cleaned_data.get("revision") or ""
        return int(value) if value.isdigit() else None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "revision" in self.fields and cleaned.get("revision") is None:
            self.add_error(None, out_of_date_message())
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("An action cannot end before it starts."))
        return cleaned


class NewActionForm(ActionForm):
    class Meta(ActionForm.Meta):
        fields = [*ACTION_CONTENT_FIELDS, "status", "progress"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_date", "done_on"]
        widgets = {"due_date": DateInput(), "done_on": DateInput()}


class BudgetGridForm(forms.Form):
    """An action's budget for every year of its plan in one grid: for each type (investment,
    operating) a forecast row and an actual row, one cell per year. Once the plan is adopted the
    forecasts are frozen (disabled), the actuals stay editable."""

    ROWS = [(kind, measure) for kind in BudgetKind.values for measure in ("forecast", "actual")]

    def __init__(self, *args, budget, content_editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        by_cell = {(line.kind, line.year): line for line in budget.lines}
        self.years = budget.years
        measure_labels = {"forecast": _("forecast"), "actual": _("actual")}
        for kind, measure in self.ROWS:
            for year in self.years:
                line = by_cell.get((kind, year))
                field = BudgetLine._meta.get_field(measure).formfield(required=False, min_value=0)
                field.label = _("%(kind)s, %(measure)s, %(year)s") % {
                    "kind": BudgetKind(kind).label,
                    "measure": measure_labels[measure],
                    "year": year,
                }
                field.widget.attrs.update(
                    {"inputmode": "decimal", "class": "form-control form-control-sm text-end"}
                )
                field.initial = getattr(line, measure) if line else None
                if line and measure == "forecast" and line.added_after_adoption:
                    field.initial = None  # not planned: spending recorded after the adoption
                if measure == "forecast" and not content_editable:
                    field.disabled = True
                self.fields[self.cell_name(kind, measure, year)] = field

    @staticmethod
    def cell_name(kind: str, measure: str, year: int) -> str:
        return f"{kind}-{measure}-{year}"

    def rows(self):
        """[(kind label, measure, [bound field per year], row total)] in display order."""
        return [
            (
                BudgetKind(kind).label,
                measure,
                [self[self.cell_name(kind, measure, year)] for year in self.years],
                self.budget.row_totals[(kind, measure)],
            )
            for kind, measure in self.ROWS
        ]

    def cells(self) -> dict[tuple[str, int], tuple]:
        """(kind, year) → (forecast, actual) from the cleaned data; None for an empty cell."""
        return {
            (kind, year): (
                self.cleaned_data.get(self.cell_name(kind, "forecast", year)),
                self.cleaned_data.get(self.cell_name(kind, "actual", year)),
            )
            for kind in BudgetKind.values
            for year in self.years
        }


class CoFunderForm(forms.ModelForm):
    class Meta:
        model = CoFunder
        fields = ["name", "amount", "status"]


FOLLOW_UP_ROW_FIELDS = {
    MilestoneForm: {"done_on"},
    CoFunderForm: {"amount", "status"},
}


def planning_formsets(action, data=None, content_editable=True):
    """The formsets of the milestones-and-co-funders page; frozen fields are disabled once adopted.
    The budget has its own grid (BudgetGridForm)."""
    extra = 2 if content_editable else 0
    specs = [
        ("milestones", Milestone, MilestoneForm, {}),
        ("cofunders", CoFunder, CoFunderForm, {}),
    ]
    formsets = {}
    for prefix, model, form_class, form_kwargs in specs:
        formset_class = forms.inlineformset_factory(
            Action, model, form=form_class, extra=extra, can_delete=content_editable
        )
        formset = formset_class(data, instance=action, prefix=prefix, form_kwargs=form_kwargs)
        if not content_editable:
            for form in formset.forms:
                # What the follow-up added after the vote is no commitment: it stays editable (a
                # spending line added then keeps no forecast).
                added = getattr(form.instance, "added_after_adoption", False)
                for name, field in form.fields.items():
                    if name not in FOLLOW_UP_ROW_FIELDS[form_class] and name not in ("id", "action"):
                        field.disabled = not added or name == "forecast"
        formsets[prefix] = formset
    return formsets


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Follow-up note"), widget=forms.Textarea(attrs={"rows": 3}))


class AwarenessReportForm(forms.ModelForm):
    class Meta:
        model = AwarenessReport
        fields = ["date", "events_held", "people_reached", "audiences", "comment"]
        widgets = {"date": DateInput(), "comment": forms.Textarea(attrs={"rows": 2})}


class CatalogueActionForm(forms.ModelForm):
    class Meta:
        model = CatalogueAction
        fields = [
            "territory",
            "title",
            "description",
            "theme",
            "target",
            "cost_min",
            "cost_max",
            "mwh_saved",
            "tco2e_avoided",
            "mwh_renewable",
            "difficulty",
            "duration_months",
            "indicators",
            "sources",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "indicators": forms.Textarea(attrs={"rows": 3}),
            "sources": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"territory": pcl_forms.ModelChoiceField}

    def __init__(self, *args, territories, shared: bool, **kwargs):
        """`territories`: those whose own entries the user edits; `shared`: whether they edit the shared
        national catalogue too (the administrator). Someone who edits one territory's entries only adds to
        it (no field shown)."""
        super().__init__(*args, **kwargs)
        territories = list(territories)
        field = self.fields["territory"]
        if not shared and len(territories) == 1:
            self.instance.territory = territories[0]
            del self.fields["territory"]
            return
        field.queryset = field.queryset.filter(pk__in=[territory.pk for territory in territories])
        field.required = not shared
        field.empty_label = _("The shared national catalogue") if shared else None


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    theme = pcl_forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.all(), required=False)
    target = forms.ChoiceField(label=_("Target"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("All targets")), *Target.choices]
        self.fields["theme"].empty_label = _("All themes")


class AddToPlanForm(forms.Form):
    plan = pcl_forms.ModelChoiceField(label=_("Plan"), queryset=ActionPlan.objects.none())
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial=Origin.NEW)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = ActionPlan.objects.filter(
            pk__in=[plan.pk for plan in plans]
        ).select_related("commune")
        self.fields["plan"].label_from_instance = lambda plan: f"{plan.commune} — {plan}"


class PlanFilterForm(forms.Form):
    theme = pcl_forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.all(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.ChoiceField(label=_("Responsible"), required=False)
    origin = forms.ChoiceField(label=_("Origin"), required=False)
    flag = forms.ChoiceField(label=_("Follow-up"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].empty_label = _("All themes")
        self.fields["status"].choices = [("", _("All statuses")), *ActionStatus.choices]
        self.fields["owner"].choices = [("", _("Everyone")), *owners]
        self.fields["origin"].choices = [("", _("All origins")), *Origin.choices]
        self.fields["flag"].choices = [
            ("", _("All actions")),
            ("late", _("Late")),
            ("stale", _("Not updated for a long time")),
        ]
        self.fields["sort"].choices = [
            ("order", _("Plan order")),
            ("title", _("Title")),
            ("theme", _("Theme")),
            ("status", _("Status")),
            ("start", _("Start")),
            ("end", _("End")),
            ("budget", _("Budget (largest first)")),
        ]


PLAN_STATUS_ACTIONS = {
    PlanStatus.SUBMITTED: _("Submit to the working group"),
    PlanStatus.VALIDATED: _("Record the working group's validation"),
    PlanStatus.DELIBERATED: _("Record the council's deliberation"),
    PlanStatus.FOLLOW_UP: _("Start the follow-up"),
    PlanStatus.CLOSED: _("Close and evaluate"),
    PlanStatus.DRAFT: _("Send back to draft"),
}


class FollowUpForm(forms.Form):
    """What a follow-up changes, saved at once (`services.action_follow_up`): status, progress, the
    year's spending by type, a note and, when one turned up, a new co-funder. The figures are the models'
    own form fields, so that they read numbers as every other form does."""

    revision = forms.CharField(widget=forms.HiddenInput, required=False)
    status = Action._meta.get_field("status").formfield()
    progress = Action._meta.get_field("progress").formfield(max_value=100)
    spending_investment = BudgetLine._meta.get_field("actual").formfield(required=False, min_value=0)
    spending_operating = BudgetLine._meta.get_field("actual").formfield(required=False, min_value=0)
    note = FollowUpNote._meta.get_field("text").formfield(
        required=False, label=_("Follow-up note"), widget=forms.Textarea(attrs={"rows": 3})
    )
    cofunder_name = CoFunder._meta.get_field("name").formfield(required=False, label=_("New co-funder"))
    cofunder_amount = CoFunder._meta.get_field("amount").formfield(
        required=False, min_value=0, label=_("Its amount (€)")
    )
    cofunder_status = CoFunder._meta.get_field("status").formfield(required=False, label=_("Its status"))

    def __init__(self, *args, action: Action, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.year = action, year
        lines = {line.kind: line for line in action.budget_lines.all() if line.year == year}
        self.planned = {kind: kind in lines and bool(lines[kind].forecast) for kind in BudgetKind.values}
        self.fields["cofunder_status"].choices = CoFunderStatus.choices
        for kind in BudgetKind.values:
            name = f"spending_{kind}"
            self.fields[name].label = _("Spent in %(year)s, %(kind)s (€ excl. tax)") % {
                "year": year,
                "kind": BudgetKind(kind).label.lower(),
            }
            line = lines.get(kind)
            self.fields[name].initial = line.actual if line else None
            if line is None or not line.forecast:
                self.fields[name].help_text = _("No forecast for this year: it will read as not planned.")
            else:
                self.fields[name].help_text = _("Forecast: %(amount)s.") % {"amount": money(line.forecast)}
        self.fields["status"].initial = action.status
        self.fields["progress"].initial = action.progress
        self.fields["revision"].initial = action.revision

    def clean_revision(self) -> int | None:
        value = self.cleaned_data.get("revision") or ""
        return int(value) if value.isdigit() else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revision") is None and "revision" not in self.errors:
            self.add_error(None, out_of_date_message())
        name, amount = cleaned.get("cofunder_name"), cleaned.get("cofunder_amount")
        if name and amount is None and "cofunder_amount" not in self.errors:
            self.add_error("cofunder_amount", _("Give the amount of the new co-funder."))
        if amount is not None and not name:
            self.add_error("cofunder_name", _("Give the name of the new co-funder."))
        return cleaned

    def follow_up(self) -> FollowUp:
        data = self.cleaned_data
        cofunder = None
        if data.get("cofunder_name"):
            cofunder = CoFunder(
                name=data["cofunder_name"],
                amount=data["cofunder_amount"],
                status=data.get("cofunder_status") or CoFunderStatus.REQUESTED,
            )
        return FollowUp(
            status=data["status"],
            progress=data["progress"],
            year=self.year,
            spending={kind: data.get(f"spending_{kind}") for kind in BudgetKind.values},
            note=data.get("note") or "",
            cofunder=cofunder,
        )
