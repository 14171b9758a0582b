import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pcl.constraints import CheckConstraint
from pcl.formatting import is_french

insee_code_validator = RegexValidator(
    r"^(?:\d{5}|2[AB]\d{3})$",
    _("An INSEE code has five characters: five digits, or 2A/2B followed by three digits for Corsica."),
    code="invalid_insee_code",
)
siren_format_validator = RegexValidator(
    r"^\d{9}$", _("A SIREN number has nine digits."), code="invalid_siren"
)


def luhn_is_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def validate_siren(value: str) -> None:
    siren_format_validator(value)
    if not luhn_is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid SIREN number (its check digit is wrong)."),
            code="invalid_siren_checksum",
            params={"value": value},
        )


def sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]


def localized_name(name: str, name_en: str = "") -> str:
    """The name of a managed list's entry in the active language: its English label in English pages when
    it has one, its French name otherwise (and in the documents written in French)."""
    if name_en and not is_french():
        return name_en
    return name


def managed_list_load(model, rows) -> None:
    """Creates the entries of a managed list that are missing, from (code, French name, English name)
    rows in display order; an existing entry keeps its name and order as administrators edited them and
    gets the English name only when it has none. `model` may be a data migration's historical model, from
    before the English names (then they are left out)."""
    has_english = any(field.name == "name_en" for field in model._meta.get_fields())
    for order, (code, name, name_en) in enumerate(rows):
        defaults = {"name": name, "order": order} | ({"name_en": name_en} if has_english else {})
        entry, created = model.objects.get_or_create(code=code, defaults=defaults)
        if has_english and not created and not entry.name_en:
            entry.name_en = name_en
            entry.save(update_fields=["name_en"])


class ManagedList(models.Model):
    """A list administrators keep (themes, sectors, energy carriers...): a stable code, a name, an order.
    The name is French; `name_en` is shown in English pages (blank: the French name)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("English name"), max_length=100, blank=True, help_text=_("Shown in English pages; blank: the name.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        return localized_name(self.name, self.name_en)


class Territory(models.Model):
    """A territory that runs a climate plan network: an agglomeration (EPCI) or any grouping of communes.

    Every commune, signatory, group of communes, target, letter and dashboard belongs to one territory;
    the national catalogue of standard actions is shared (a territory may add its own entries)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Used in addresses, e.g. “grenoble-alpes-metropole”."),
    )
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("The EPCI's SIREN number, when the territory is one."),
    )
    climate_plan_name = models.CharField(
        _("climate plan"),
        max_length=300,
        blank=True,
        help_text=_("Its full name, e.g. “Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole”."),
    )
    climate_plan_year = models.PositiveSmallIntegerField(
        _("climate plan adopted in"), null=True, blank=True, validators=[MinValueValidator(1990)]
    )
    reference_year = models.PositiveSmallIntegerField(
        _("reference year"),
        default=2005,
        validators=YEAR_VALIDATORS,
        help_text=_("The year the plan's reductions are measured against."),
    )
    logo = models.FileField(
        _("logo"),
        upload_to="territories/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg"])],
        help_text=_("Printed on the territory's documents (PNG, JPEG or SVG)."),
    )
    letter_title = models.CharField(
        _("newsletter title"),
        max_length=200,
        default="La Lettre du Plan Climat",
        help_text=_("The title of the territory's newsletter."),
    )
    is_demo = models.BooleanField(
        _("demonstration data"), default=False, help_text=_("Created by the demo loader, not a real record.")
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="communes_territory_unique_siren",
                violation_error_message=_("Another territory already has this SIREN number."),
            ),
        ]

    def __str__(self):
        return self.name


class Agency(models.Model):
    """A local energy agency (ALE): it serves one or more territories, its advisors follow their communes."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territories served"), related_name="agencies", blank=True
    )

    class Meta:
        verbose_name = _("energy agency")
        verbose_name_plural = _("energy agencies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TerritoryRoleKind(models.TextChoices):
    OFFICER = "officer", _("Territory officer (observatory)")


class TerritoryRole(models.Model):
    """A role held over a whole territory: its officer reads every commune of it and manages its
    observatory data and targets."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="territory_roles",
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=TerritoryRoleKind.choices, default=TerritoryRoleKind.OFFICER
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("territory role")
        verbose_name_plural = _("territory roles")
        ordering = ["territory__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"], name="communes_territoryrole_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.territory}"


class Epci(models.Model):
    """An intercommunal body (établissement public de coopération intercommunale), e.g. La Métro: a
    commune's EPCI, from the national list (a territory's own plan is on `Territory`)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCIs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Stage(models.TextChoices):
    NOT_SIGNATORY = "not_signatory", _("Not a signatory")
    SIGNATORY = "signatory", _("Charter signatory")
    PLAN_IN_PREPARATION = "plan_in_preparation", _("Plan in preparation")
    PLAN_DELIBERATED = "plan_deliberated", _("Plan deliberated")
    IN_FOLLOW_UP = "in_follow_up", _("In follow-up")


class Commune(models.Model):
    insee_code = models.CharField(
        _("INSEE code"), max_length=5, unique=True, validators=[insee_code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    # The name without accents nor case, so that "Échirolles" sorts among the E on every database.
    sort_name = models.CharField(max_length=200, editable=False, db_index=True, default="")
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        Epci, verbose_name=_("EPCI"), on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    charter_signed_on = models.DateField(_("PCL charter signed on"), null=True, blank=True)
    charter_start_year = models.PositiveSmallIntegerField(
        _("charter period start"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    charter_end_year = models.PositiveSmallIntegerField(
        _("charter period end"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    stage = models.CharField(
        _("engagement stage"), max_length=32, choices=Stage.choices, default=Stage.NOT_SIGNATORY
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["sort_name"]
        indexes = [
            # The engaged communes by name (the network's working groups gone quiet), the communes by
            # stage (the portfolio's counts).
            models.Index(fields=["stage", "sort_name"], name="communes_commune_stage_name"),
            models.Index(fields=["territory", "sort_name"], name="communes_commune_territory"),
        ]
        constraints = [
            CheckConstraint(
                condition=Q(charter_end_year__isnull=True)
                | Q(charter_start_year__isnull=True)
                | Q(charter_end_year__gte=models.F("charter_start_year")),
                name="communes_commune_charter_period_ordered",
                violation_error_message=_("The charter period cannot end before it starts."),
            ),
            CheckConstraint(
                condition=Q(stage="not_signatory") | Q(charter_signed_on__isnull=False),
                name="communes_commune_engaged_has_signed",
                violation_error_message=_(
                    "A commune past the 'not a signatory' stage must have a charter signature date."
                ),
            ),
            CheckConstraint(
                condition=Q(population_year__isnull=True) | Q(population__isnull=False),
                name="communes_commune_population_year_needs_population",
                violation_error_message=_("A population year needs a population."),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The code as loaded: records that name the commune by its INSEE code follow a change of it
        # (observatory/signals.py).
        instance.loaded_insee_code = instance.__dict__.get("insee_code")
        # And the population as loaded: the observatory's coverage counts it (observatory/signals.py).
        instance.loaded_population = instance.__dict__.get("population")
        # And the territory: the observatory counts each commune's values in its territory's totals.
        instance.loaded_territory_id = instance.__dict__.get("territory_id")
        return instance

    def clean(self):
        super().clean()
        self.sort_name = sort_key(self.name)
        if self.charter_signed_on and self.stage == Stage.NOT_SIGNATORY:
            raise ValidationError(
                {"stage": _("A commune that signed the charter cannot be at the 'not a signatory' stage.")}
            )


class CommuneOutline(models.Model):
    """A commune's outline for the maps: a GeoJSON geometry (Polygon or MultiPolygon, WGS 84), as imported
    from IGN's Admin Express or one of its simplified derivatives (`territory_create --outlines`)."""

    commune = models.OneToOneField(
        "Commune",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="outline",
    )
    geometry = models.TextField(_("geometry (GeoJSON)"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("commune outline")
        verbose_name_plural = _("commune outlines")

    def __str__(self):
        return str(self.commune_id)


class Role(models.TextChoices):
    ADVISOR = "advisor", _("ALE advisor")
    REFERENT = "referent", _("Energy-climate referent")
    STAFF = "staff", _("Commune staff member")
    ELECTED = "elected", _("Elected official")


class Membership(models.Model):
    """A role held by a person in one commune. One person may hold several roles, in several communes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["commune__name", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "commune", "role"], name="communes_membership_unique_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.commune}"


class Invitation(models.Model):
    """An invitation sent by email to join a commune with a role, accepted through a signed, expiring link."""

    email = models.EmailField(_("email address"))
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "commune"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="communes_invitation_one_pending_per_commune",
            ),
            CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="communes_invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.email} — {self.get_role_display()} — {self.commune}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class SignatoryType(models.TextChoices):
    SOCIAL_LANDLORD = "social_landlord", _("Social landlord")
    COMPANY = "company", _("Company")
    ENERGY_COMPANY = "energy_company", _("Energy company")
    ASSOCIATION = "association", _("Association")
    UNIVERSITY = "university", _("University or research")
    PUBLIC_BODY = "public_body", _("Public body")
    OTHER = "other", _("Other")


class Signatory(models.Model):
    """A charter signatory that is not a commune: communes sign through `Commune.charter_signed_on`."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=SignatoryType.choices)
    signed_on = models.DateField(_("charter signed on"), null=True, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(
        _("demonstration data"), default=False, help_text=_("Created by the demo loader, not a real record.")
    )

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "name"],
                name="communes_signatory_unique_name",
                violation_error_message=_("The territory already has a signatory of this name."),
            ),
        ]

    def __str__(self):
        return self.name


class CommuneGroup(models.Model):
    """A set of communes the network reads together (a valley, a sector of the agglomeration): the
    dashboards filter by it. A commune may belong to several groups, or to none."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.PROTECT, related_name="commune_groups"
    )
    name = models.CharField(_("name"), max_length=100)
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes"), related_name="commune_groups", blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(
        _("demonstration data"), default=False, help_text=_("Created by the demo loader, not a real record.")
    )

    class Meta:
        verbose_name = _("group of communes")
        verbose_name_plural = _("groups of communes")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "name"],
                name="communes_communegroup_unique_name",
                violation_error_message=_("The territory already has a group of this name."),
            ),
        ]

    def __str__(self):
        return self.name
