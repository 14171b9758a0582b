from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from communes.forms import DateInput
from pcl import forms as pcl_forms
from pcl.uploads import CSV, validate_upload

from .models import Dataset, ImportFormat, Target

IMPORT_TYPES = (CSV,)


class ImportForm(forms.Form):
    dataset = pcl_forms.ModelChoiceField(label=_("Dataset"), queryset=Dataset.objects.all())
    format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)
    file = forms.FileField(
        label=_("File (CSV, UTF-8)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
    )
    version_date = forms.DateField(
        label=_("Version of the data"),
        required=False,
        widget=DateInput(),
        help_text=_("The publication date of the file, as given by its producer."),
    )

    def __init__(self, *args, datasets, **kwargs):
        """`datasets`: those the user may import into (selectors.importable_datasets)."""
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = datasets

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed=IMPORT_TYPES, max_bytes=settings.OBSERVATORY_IMPORT_MAX_BYTES)
        return upload


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "reference_year",
            "target_year",
            "ghg_reduction_pct",
            "ghg_basis",
            "consumption_reduction_pct",
            "consumption_basis",
            "renewable_share_pct",
            "source",
        ]


class DatasetChoiceForm(forms.Form):
    # The datasets the page offers are read once by the view: a choice among them, no query of its own.
    dataset = forms.ChoiceField(label=_("Dataset"), required=False)
    indicator = forms.ChoiceField(label=_("Map indicator"), required=False)

    INDICATORS = [
        ("emissions_per_inhabitant", _("Emissions per inhabitant")),
        ("consumption_per_inhabitant", _("Consumption per inhabitant")),
        ("emissions_change", _("Change in emissions since the reference year")),
        ("renewable_share", _("Renewable share of consumption")),
    ]

    def __init__(self, *args, datasets, **kwargs):
        super().__init__(*args, **kwargs)
        self.datasets = {str(dataset.pk): dataset for dataset in datasets}
        self.fields["dataset"].choices = [(pk, dataset.label) for pk, dataset in self.datasets.items()]
        self.fields["indicator"].choices = self.INDICATORS

    def clean_dataset(self) -> Dataset | None:
        return self.datasets.get(self.cleaned_data["dataset"])
