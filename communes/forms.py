from django import forms
from django.contrib.auth import get_user_model
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from pcl import forms as pcl_forms
from pcl.widgets import DateInput  # noqa: F401 (the apps import it from here)

from .models import Commune, Role, Signatory, Stage

User = get_user_model()


class CommuneForm(forms.ModelForm):
    advisors = forms.ModelMultipleChoiceField(
        label=_("Assigned ALE advisors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The advisors who follow this commune and edit its plans."),
    )

    class Meta:
        model = Commune
        fields = [
            "name",
            "insee_code",
            "siren",
            "population",
            "population_year",
            "epci",
            "charter_signed_on",
            "charter_start_year",
            "charter_end_year",
            "stage",
        ]
        widgets = {"charter_signed_on": DateInput()}

    def __init__(self, *args, advisor_choices=None, **kwargs):
        """`advisor_choices`: the users that may be assigned; None hides the field (not theirs to change)."""
        super().__init__(*args, **kwargs)
        if advisor_choices is None:
            del self.fields["advisors"]
        else:
            self.fields["advisors"].queryset = advisor_choices
            self.fields["advisors"].label_from_instance = lambda user: (
                f"{user.get_full_name()} ({user.email})"
            )
            if self.instance.pk:
                self.initial["advisors"] = list(
                    self.instance.memberships.filter(role=Role.ADVISOR).values_list("user_id", flat=True)
                )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role in the commune"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]


class TerritoryChoices(BaseChoiceIterator):
    """The choices of a territory filter, ("", `empty_label`) then (slug, name) of each territory
    (communes.selectors.TerritoryOption), given as they are: Django normalises a plain list of choices
    item by item: milliseconds for the 1,250 territories of a national platform, on every read."""

    def __init__(self, territories, empty_label):
        self.territories, self.empty_label = territories, empty_label

    def __iter__(self):
        yield "", self.empty_label
        for territory in self.territories:
            yield territory.slug, territory.name


class CommuneFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name or INSEE code"))
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    advisor = pcl_forms.ModelChoiceField(label=_("Advisor"), required=False, queryset=User.objects.none())

    def __init__(self, *args, advisor_choices, territories=(), **kwargs):
        """`territories`: those the user sees; the territory filter shows only when they are several."""
        super().__init__(*args, **kwargs)
        self.territories = {territory.slug: territory for territory in territories}
        if len(self.territories) > 1:
            self.fields["territory"].choices = TerritoryChoices(territories, _("All territories"))
        else:
            del self.fields["territory"]
        self.fields["stage"].choices = [("", _("All stages")), *Stage.choices]
        self.fields["advisor"].queryset = advisor_choices
        self.fields["advisor"].empty_label = _("All advisors")

    def chosen_territory(self):
        """The territory the filter names (None: all those the user sees)."""
        if not self.is_valid():
            return None
        return self.territories.get(self.cleaned_data.get("territory") or "")


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = [
            "territory",
            "name",
            "type",
            "signed_on",
            "siren",
            "website",
            "contact_name",
            "contact_email",
            "notes",
        ]
        widgets = {"signed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"territory": pcl_forms.ModelChoiceField}

    def __init__(self, *args, territories, **kwargs):
        """`territories`: those whose signatories the user edits. A new signatory is one of theirs (the
        field shows only when they are several); an existing one stays in its territory."""
        super().__init__(*args, **kwargs)
        territories = list(territories)
        if self.instance.pk or len(territories) == 1:
            if not self.instance.pk:
                self.instance.territory = territories[0]
            del self.fields["territory"]
        else:
            field = self.fields["territory"]
            field.queryset = field.queryset.filter(pk__in=[territory.pk for territory in territories])


OUTLINES_MAX_BYTES = 50 * 1024 * 1024


class TerritoryOnboardForm(forms.Form):
    """The administration's “Onboard a territory” page (communes.onboarding.territory_onboard)."""

    siren = forms.CharField(
        label=_("EPCI SIREN"),
        max_length=9,
        help_text=_("Nine digits, e.g. 243800984 for the Pays Voironnais."),
    )
    name = forms.CharField(
        label=_("name"),
        max_length=200,
        required=False,
        help_text=_(
            "Required for an EPCI the platform does not know by name (the national list gives only SIRENs)."
        ),
    )
    slug = forms.SlugField(
        label=_("short name"),
        max_length=60,
        required=False,
        help_text=_("Used in addresses; default: from the name."),
    )
    outlines = forms.FileField(
        label=_("commune outlines (GeoJSON)"),
        required=False,
        help_text=_(
            "IGN Admin Express or a simplified derivative (Licence Ouverte / Etalab): one feature per "
            "commune, its INSEE code in the property code, INSEE_COM or insee."
        ),
    )
    outlines_source = forms.CharField(
        label=_("source of the outlines"),
        max_length=300,
        required=False,
        help_text=_("Default: the file's name."),
    )
    agency = forms.CharField(
        label=_("energy agency"),
        max_length=200,
        required=False,
        help_text=_("The agency serving the territory, created when missing."),
    )

    def clean_outlines(self):
        outlines = self.cleaned_data.get("outlines")
        if outlines is not None and outlines.size > OUTLINES_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is too large (%(size)d MB; at most 50 MB): simplify it or keep the territory's "
                    "communes only."
                )
                % {"size": outlines.size // (1024 * 1024)}
            )
        return outlines
