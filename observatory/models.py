from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.models import Commune, ManagedList, Territory, localized_name
from pcl.constraints import CheckConstraint
from pcl.fields import DecimalField
from pcl.licences import OPEN_LICENCE
from pcl.uploads import storage_name


class Quantity(models.TextChoices):
    """What is measured, each stored in one unit."""

    CONSUMPTION = "consumption", _("Final energy consumption")
    EMISSIONS = "emissions", _("Greenhouse-gas emissions")
    PRODUCTION = "production", _("Renewable production")
    POPULATION = "population", _("Population")


STORED_UNIT = {
    Quantity.CONSUMPTION: "MWh",
    Quantity.EMISSIONS: "t CO2e",
    Quantity.PRODUCTION: "MWh",
    Quantity.POPULATION: "inhabitants",
}


class Sector(ManagedList):
    class Meta(ManagedList.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Carrier(ManagedList):
    class Meta(ManagedList.Meta):
        verbose_name = _("energy carrier")
        verbose_name_plural = _("energy carriers")


class RenewableSource(ManagedList):
    class Meta(ManagedList.Meta):
        verbose_name = _("renewable source")
        verbose_name_plural = _("renewable sources")


class Dataset(models.Model):
    """Where numbers come from: a producer's series (ORCAE, Agence ORE, the platform's demo...)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    # A dataset of one territory (its officers import it, rows of other communes are refused) or, empty,
    # a shared one (e.g. a regional or national series) that the administrator imports.
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
        help_text=_("Empty: a dataset shared by every territory, imported by the administrator."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("English name"), max_length=200, blank=True, help_text=_("Shown in English pages; blank: the name.")
    )
    producer = models.CharField(_("producer"), max_length=200)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    url = models.URLField(_("web page"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    # Its licence allows publishing it: the public observatory, the open data and the anonymous API read
    # it. Demonstration data never is (the constraint below).
    is_open = models.BooleanField(
        _("published as open data"),
        default=False,
        help_text=_(
            "Its licence allows publishing it: shown on the territory's public observatory and offered "
            "as open data under its licence (Licence Ouverte 2.0 when none is given). Never for "
            "demonstration data."
        ),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Pages show the dataset with the lowest number first.")
    )

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["priority", "name"]
        constraints = [
            CheckConstraint(
                condition=Q(is_demo=False) | Q(is_open=False),
                name="observatory_dataset_demo_never_open",
                violation_error_message=_("Demonstration data is never published."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def open_licence(self) -> str:
        """The licence its open data is published under: its own, else Licence Ouverte 2.0."""
        return self.licence or OPEN_LICENCE

    @property
    def label(self) -> str:
        """The name in the active language (the documents for the council, in French, keep `name`)."""
        return localized_name(self.name, self.name_en)


class ImportFormat(models.TextChoices):
    LONG = "long", _("Platform long CSV (one value per row)")
    ORE = "ore", _("Agence ORE: annual electricity and gas consumption by commune")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused")


def import_upload_path(batch, filename):
    # Never the client's name (kept in `original_name`): a random one that cannot traverse a path.
    return f"observatory/imports/{batch.created_at:%Y/%m}/{storage_name(filename)}"


class ImportBatch(models.Model):
    """One import of one file into one dataset: who, when, what it replaced, and its error report."""

    dataset = models.ForeignKey(
        Dataset, verbose_name=_("dataset"), on_delete=models.PROTECT, related_name="batches"
    )
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    version_date = models.DateField(_("version of the data"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("values imported"), default=0)
    rows_skipped = models.PositiveIntegerField(
        _("rows skipped"), default=0, help_text=_("Rows of communes outside the platform.")
    )
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors, each {"line", "column", "value", "reason"}; the count above has them all.
    errors = models.JSONField(_("error report"), default=list, blank=True)
    # The result's sentence, written in the import's language; rows since `message_code` keep the code
    # and values that write it again in the reader's language (importers.common.batch_message).
    message = models.TextField(_("message"), blank=True)
    message_code = models.CharField(_("message code"), max_length=32, blank=True)
    message_params = models.JSONField(_("message values"), default=dict, blank=True)
    years = models.JSONField(_("years"), default=list, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced",
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)


class Status(models.TextChoices):
    """Whether a year's value is final or still an estimate, shown "(e)"."""

    CONSOLIDATED = "consolidated", _("consolidated")
    ESTIMATED = "estimated", _("estimated")


class FactReferences(models.Model):
    """The references of the fact table and of its commune totals: a dataset, a batch and a commune (by
    its INSEE code), with no database constraint and no index of their own (see Observation)."""

    # The fact table has one lookup index (migration 0004) and no per-column ones: each index costs
    # every imported row another write.
    dataset = models.ForeignKey(
        Dataset, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    commune = models.ForeignKey(
        Commune,
        to_field="insee_code",
        db_column="insee_code",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class Observation(FactReferences):
    """One value of one quantity for one commune and year, in the quantity's stored unit.

    The fact table of the observatory: millions of rows, written only by the set-based import,
    which checks every reference, and that a value appears once per batch, itself. It refers to
    communes, sectors, carriers and sources by their codes (the INSEE code, the managed list's code),
    the words of the files it is imported from: a file in the platform's own form is then COPYed
    straight into the batch's partition, with no second write of its rows to turn codes into ids
    (observatory/importers/direct.py). Its references carry no database constraint (per-row
    constraint triggers would double the import time) and nothing cascades to it.
    On PostgreSQL it is partitioned by import batch (migrations 0003 and 0004, importers/facts.py).
    """

    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    quantity = models.CharField(max_length=12, choices=Quantity.choices)
    sector = models.ForeignKey(
        Sector,
        to_field="code",
        db_column="sector_code",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The code of the energy carrier (consumption) or of the renewable source (production); NULL (as
    # the COPY of an empty field writes it) where the quantity has none.
    energy = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001
    value = models.FloatField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONSOLIDATED)

    def __str__(self):
        return f"{self.commune_id} {self.year} {self.quantity} {self.value}"

    @property
    def is_estimate(self) -> bool:
        return self.status == Status.ESTIMATED


# The pairs of quantities whose "same communes" pages ask (per inhabitant: a quantity and the population;
# the renewable share: consumption and production), as PlatformCoverage counts them.
COVERAGE_PAIRS = (
    (Quantity.CONSUMPTION, Quantity.POPULATION),
    (Quantity.EMISSIONS, Quantity.POPULATION),
    (Quantity.PRODUCTION, Quantity.POPULATION),
    (Quantity.CONSUMPTION, Quantity.PRODUCTION),
)


class ObservationTotal(FactReferences):
    """A commune's totals of one year: of each quantity (NULL where the commune has no value of it), and
    how many of its values are estimates.

    Derived from the fact table by the import, in its transaction and with one set-based statement
    (observatory/totals.py); `Observation` stays the source of truth. Pages that read a territory's
    coverage, population, yearly totals and comparison read these rows (one per commune and year)
    instead of the commune's values by sector and energy (about eighty). One row for the four
    quantities rather than one each: the import writes a quarter of the rows (and of their index
    entries), and a commune's coverage of a year is one row. Like the fact table it names the commune
    by its INSEE code, with no database constraint; `batch` is the import the values came from (each
    dataset's year lives in one batch), for the provenance of a page's figures.

    Its primary key is its one index (no id, no sequence: the import writes tens of thousands of rows
    at once), in the order of its reads: a dataset's values of some communes (dashboards, commune
    groups) by year; the import replacing years and the comparison of a year read the dataset's range.
    """

    pk = models.CompositePrimaryKey("dataset", "commune", "year", "batch")
    year = models.PositiveSmallIntegerField()
    # Each quantity's total (Quantity's values name the columns) and its count of estimates.
    consumption = models.FloatField(null=True)
    consumption_estimates = models.PositiveIntegerField(default=0)
    emissions = models.FloatField(null=True)
    emissions_estimates = models.PositiveIntegerField(default=0)
    production = models.FloatField(null=True)
    production_estimates = models.PositiveIntegerField(default=0)
    population = models.FloatField(null=True)
    population_estimates = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.commune_id} {self.year}"


class PlatformTotal(models.Model):
    """A territory's total (every commune of it, the territory's observatory page) of one quantity in one
    year, by sector or energy (`part`: "sector" or "energy", `code` the part's code, empty for values
    without one) or in all (`part` empty). Maintained with ObservationTotal (observatory/totals.py)."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quantity = models.CharField(max_length=12, choices=Quantity.choices)
    part = models.CharField(max_length=8, blank=True)
    code = models.CharField(max_length=40, null=True, blank=True)  # noqa: DJ001 (a value without a part)
    total = models.FloatField()
    estimates = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["territory", "dataset", "year"], name="observatory_territory_total")]

    def __str__(self):
        return f"{self.year} {self.quantity} {self.part} {self.code} {self.total}"


class PlatformCoverage(models.Model):
    """Which communes of a territory have values of a dataset in a year: how many have any value and
    their reference population, how many have each quantity, and how many have two quantities at once
    (the "same communes" rules of coverage.py: two sets are equal when both sizes equal the size of
    their intersection). Maintained with ObservationTotal, and again when communes change."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    communes = models.PositiveIntegerField()
    population = models.BigIntegerField()
    # The communes with a value of each quantity, then of two quantities at once (COVERAGE_PAIRS).
    with_consumption = models.PositiveIntegerField(default=0)
    with_emissions = models.PositiveIntegerField(default=0)
    with_production = models.PositiveIntegerField(default=0)
    with_population = models.PositiveIntegerField(default=0)
    consumption_and_population = models.PositiveIntegerField(default=0)
    emissions_and_population = models.PositiveIntegerField(default=0)
    production_and_population = models.PositiveIntegerField(default=0)
    consumption_and_production = models.PositiveIntegerField(default=0)
    # The territory's communes these counts were made for (totals.fingerprint_sql).
    communes_fingerprint = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "dataset", "year"], name="observatory_territory_coverage_key"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.communes} communes"


class Basis(models.TextChoices):
    TOTAL = "total", _("in total")
    PER_INHABITANT = "per_inhabitant", _("per inhabitant")


class Target(models.Model):
    """A territorial target: reductions against a reference year and a renewable share to reach, of a
    whole territory (no commune) or of one of its communes."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.CASCADE, related_name="targets"
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: a target of the whole territory."),
    )
    reference_year = models.PositiveSmallIntegerField(_("reference year"), default=2005)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    ghg_reduction_pct = DecimalField(
        _("GHG reduction (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    ghg_basis = models.CharField(_("GHG basis"), max_length=16, choices=Basis.choices, default=Basis.TOTAL)
    consumption_reduction_pct = DecimalField(
        _("consumption reduction (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    consumption_basis = models.CharField(
        _("consumption basis"), max_length=16, choices=Basis.choices, default=Basis.PER_INHABITANT
    )
    renewable_share_pct = DecimalField(
        _("renewable share of consumption (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("observatory", "target")
        verbose_name_plural = pgettext_lazy("observatory", "targets")
        ordering = ["commune__sort_name", "target_year"]
        constraints = [
            CheckConstraint(
                condition=Q(target_year__gt=models.F("reference_year")),
                name="observatory_target_after_reference",
                violation_error_message=_("The target year must come after the reference year."),
            ),
            models.UniqueConstraint(
                fields=["commune", "target_year"], name="observatory_target_unique_commune_year"
            ),
            models.UniqueConstraint(
                fields=["territory", "target_year"],
                condition=Q(commune__isnull=True),
                name="observatory_target_unique_territory_year",
            ),
        ]

    def __str__(self):
        return f"{self.commune or self.territory} {self.target_year}"

    def clean(self):
        super().clean()
        # A commune's target belongs to the commune's territory (the admin and the services check it).
        if self.commune_id is not None and self.territory_id is not None:
            if self.commune.territory_id != self.territory_id:
                raise ValidationError(
                    _("The commune is not of the target's territory (%(territory)s).")
                    % {"territory": self.territory}
                )
