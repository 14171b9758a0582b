from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, ManagedList
from pcl.constraints import CheckConstraint
from pcl.fields import DecimalField, MoneyField
from pcl.uploads import name_part, storage_name

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True}


class Theme(ManagedList):
    """The themes of the catalogue and the plans."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta(ManagedList.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class Target(models.TextChoices):
    ASSETS = "assets", _("The commune's own assets")
    TERRITORY = "territory", _("The territory")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class Impact(models.Model):
    """Yearly energy and climate figures: expected or achieved, per catalogue entry or action."""

    mwh_saved = DecimalField(_("energy saved (MWh/year)"), **QUANTITY)
    tco2e_avoided = DecimalField(_("emissions avoided (t CO2e/year)"), **QUANTITY)
    mwh_renewable = DecimalField(_("renewable production (MWh/year)"), **QUANTITY)

    class Meta:
        abstract = True


def non_negative(*fields: str) -> list[CheckConstraint]:
    return [
        CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
            name=f"%(app_label)s_%(class)s_{field}_non_negative",
            violation_error_message=_("Amounts and quantities cannot be negative."),
        )
        for field in fields
    ]


class CatalogueAction(Impact):
    """A standard action proposed by the ALE (catalogue d'actions-types)."""

    territory = models.ForeignKey(
        "communes.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catalogue_actions",
        help_text=_("Empty: the shared national catalogue. Otherwise an entry of this territory only."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("target"), max_length=16, choices=Target.choices, default=Target.ASSETS)
    cost_min = MoneyField(_("typical cost, from (€ excl. tax)"), null=True, blank=True, **MONEY)
    cost_max = MoneyField(_("typical cost, up to (€ excl. tax)"), null=True, blank=True, **MONEY)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    duration_months = models.PositiveSmallIntegerField(_("typical duration (months)"), null=True, blank=True)
    indicators = models.TextField(_("suggested indicators"), blank=True, help_text=_("One per line."))
    sources = models.TextField(_("sources and examples"), blank=True)
    is_active = models.BooleanField(_("offered to communes"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("catalogue action")
        verbose_name_plural = _("catalogue actions")
        ordering = ["theme__order", "title"]
        constraints = [
            *non_negative("cost_min", "cost_max", "mwh_saved", "tco2e_avoided", "mwh_renewable"),
            # A title names one entry among those a commune sees: the shared catalogue's and its territory's.
            models.UniqueConstraint(
                fields=["title"],
                condition=Q(territory__isnull=True),
                name="actions_catalogueaction_unique_shared_title",
                violation_error_message=_("The shared catalogue already has an entry of this title."),
            ),
            models.UniqueConstraint(
                fields=["territory", "title"],
                name="actions_catalogueaction_unique_territory_title",
                violation_error_message=_("The territory's catalogue already has an entry of this title."),
            ),
            CheckConstraint(
                condition=Q(cost_min__isnull=True)
                | Q(cost_max__isnull=True)
                | Q(cost_max__gte=F("cost_min")),
                name="actions_catalogueaction_cost_range_ordered",
                violation_error_message=_("The typical cost range cannot end below its start."),
            ),
        ]

    def __str__(self):
        return self.title


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the working group")
    VALIDATED = "validated", _("Validated by the working group")
    DELIBERATED = "deliberated", _("Deliberated")
    FOLLOW_UP = "follow_up", _("In follow-up")
    CLOSED = "closed", _("Closed and evaluated")


# Once the council has voted, the commitments of a version are frozen; follow-up goes on.
ADOPTED_STATUSES = (PlanStatus.DELIBERATED, PlanStatus.FOLLOW_UP, PlanStatus.CLOSED)


def deliberation_upload_path(plan, filename):
    # Never the client's name: a random one (pcl.uploads.storage_name) that cannot traverse a path.
    return f"deliberations/{plan.commune.insee_code}/v{plan.version}-{storage_name(filename)}"


class ActionPlan(models.Model):
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="action_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    deliberation_date = models.DateField(_("council meeting date"), null=True, blank=True)
    deliberation_number = models.CharField(_("deliberation number"), max_length=50, blank=True)
    deliberation_file = models.FileField(
        _("signed deliberation"), upload_to=deliberation_upload_path, blank=True, max_length=255
    )
    # Opt-in publication of an adopted version on the public pages, the open data and the anonymous API
    # (reversible: cleared when withdrawn). Never carried to a new version: each is published on its own.
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["commune__sort_name", "-version"]
        indexes = [
            # Which plan a commune follows: its latest adopted version, else its latest (the dashboards'
            # subqueries ask for a commune's plans of some statuses above a version).
            models.Index(fields=["commune", "status", "version"], name="actions_plan_commune_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["commune", "version"], name="actions_plan_unique_version"),
            CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="actions_plan_period_ordered",
                violation_error_message=_("The plan cannot end before it starts."),
            ),
            CheckConstraint(
                condition=~Q(status__in=ADOPTED_STATUSES) | Q(deliberation_date__isnull=False),
                name="actions_plan_adopted_has_deliberation_date",
                violation_error_message=_("A deliberated plan needs the date of the council meeting."),
            ),
            CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status__in=ADOPTED_STATUSES),
                name="actions_plan_published_is_adopted",
                violation_error_message=_("Only a plan the council adopted can be published."),
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_adopted(self) -> bool:
        return self.status in ADOPTED_STATUSES

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def download_stem(self) -> str:
        """How the names of the plan's files begin: "Plan-climat-Echirolles-2024-2030" ("-v2" after it
        for a second version). The files are the council's, in French whatever the page's language."""
        years = (
            f"{self.start_year}-{self.end_year}" if self.end_year != self.start_year else f"{self.start_year}"
        )
        version = f"-v{self.version}" if self.version > 1 else ""
        return f"Plan-climat-{name_part(self.commune.name)}-{years}{version}"

    @property
    def signed_deliberation_name(self) -> str:
        return f"{self.download_stem}-deliberation-signee.pdf"


class ReplacedDeliberation(models.Model):
    """A signed deliberation that another file replaced: the earlier file is kept, with who replaced it
    and when."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="replaced_deliberations"
    )
    file = models.FileField(_("file"), upload_to=deliberation_upload_path, max_length=255)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("replaced signed deliberation")
        verbose_name_plural = _("replaced signed deliberations")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.plan} — {self.file.name}"

    @property
    def download_name(self) -> str:
        replaced_on = timezone.localdate(self.replaced_at)
        return f"{self.plan.download_stem}-deliberation-signee-remplacee-le-{replaced_on:%Y-%m-%d}.pdf"


class PlanAxis(models.Model):
    """A strategic axis of a plan; axes form a tree (an axis may have sub-axes)."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent axis"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["order", "title"]

    def __str__(self):
        return self.title


class PlanTransition(models.Model):
    """A step of the plan workflow: who moved it, when, from which status to which, and why."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=16, choices=PlanStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Origin(models.TextChoices):
    ALREADY_ENGAGED = "already_engaged", _("Already under way")
    NEW = "new", _("New initiative")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SUSPENDED = "suspended", _("Suspended")
    ABANDONED = "abandoned", _("Abandoned")


class Action(Impact):
    """An action of a commune's plan. `mwh_saved` & co. are the expected yearly impact."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    axis = models.ForeignKey(
        PlanAxis,
        verbose_name=_("axis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    catalogue_action = models.ForeignKey(
        CatalogueAction,
        verbose_name=_("catalogue action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.NEW)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person (account)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    owner_name = models.CharField(
        _("responsible person or service"),
        max_length=200,
        blank=True,
        help_text=_("When the person responsible has no account, or a service is."),
    )
    elected_referent = models.CharField(_("elected referent"), max_length=200, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    late_override_reason = models.CharField(
        _("why it is not late"),
        max_length=300,
        blank=True,
        help_text=_(
            "Filled in, the action no longer reads as late despite an overdue milestone or a passed end date."
        ),
    )
    achieved_mwh_saved = DecimalField(_("energy saved, achieved (MWh/year)"), **QUANTITY)
    achieved_tco2e_avoided = DecimalField(_("emissions avoided, achieved (t CO2e/year)"), **QUANTITY)
    achieved_mwh_renewable = DecimalField(_("renewable production, achieved (MWh/year)"), **QUANTITY)
    order = models.PositiveIntegerField(_("order"), default=0)
    # Optimistic locking: every write bumps it; a form saved from an older revision is refused.
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["order", "pk"]
        indexes = [
            # A plan's actions counted by status (late, stale, done) on the dashboards and the portfolio.
            models.Index(fields=["plan", "status"], name="actions_action_plan_status"),
        ]
        constraints = [
            *non_negative(
                "mwh_saved",
                "tco2e_avoided",
                "mwh_renewable",
                "achieved_mwh_saved",
                "achieved_tco2e_avoided",
                "achieved_mwh_renewable",
            ),
            CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="actions_action_dates_ordered",
                violation_error_message=_("An action cannot end before it starts."),
            ),
            CheckConstraint(condition=Q(progress__lte=100), name="actions_action_progress_at_most_100"),
        ]

    def __str__(self):
        return self.title

    def get_status_display(self) -> str:
        # Django's version rebuilds the field's choices at every call; a plan's table shows sixty.
        try:
            return str(ActionStatus(self.status).label)
        except ValueError:
            return self.status

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name()
        return self.owner_name


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_date", "pk"]
        indexes = [
            # An action's overdue milestones (the "late" flag): those not done, by due date.
            models.Index(
                fields=["action", "due_date"],
                condition=Q(done_on__isnull=True),
                name="actions_milestone_open_due",
            ),
        ]

    def __str__(self):
        return self.name


class BudgetKind(models.TextChoices):
    INVESTMENT = "investment", _("Investment")
    OPERATING = "operating", _("Operating")


class BudgetLine(models.Model):
    """Money for one year of an action, excluding tax: what was forecast and what was spent."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("type"), max_length=16, choices=BudgetKind.choices)
    forecast = MoneyField(_("forecast (€ excl. tax)"), default=0, **MONEY)
    actual = MoneyField(_("actual (€ excl. tax)"), null=True, blank=True, **MONEY)
    # Spending recorded during the follow-up for a year and type the adopted plan had no forecast for:
    # not planned, not a commitment (its forecast stays 0), so not frozen like the adopted lines.
    added_after_adoption = models.BooleanField(_("not planned (added after the adoption)"), default=False)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "year", "kind"], name="actions_budgetline_unique_year_kind"
            ),
            *non_negative("forecast", "actual"),
            CheckConstraint(
                condition=Q(added_after_adoption=False) | Q(forecast=0),
                name="actions_budgetline_unplanned_has_no_forecast",
                violation_error_message=_("Spending added after the adoption has no forecast."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()}"


class CoFunderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    RECEIVED = "received", _("Received")


class CoFunder(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="cofunders")
    name = models.CharField(_("co-funder"), max_length=200)
    amount = MoneyField(_("amount (€)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=16, choices=CoFunderStatus.choices, default=CoFunderStatus.REQUESTED
    )
    # A co-funder found during the follow-up: the adopted ones are commitments (frozen), not this one.
    added_after_adoption = models.BooleanField(_("added after the adoption"), default=False)

    class Meta:
        verbose_name = _("co-funder")
        verbose_name_plural = _("co-funders")
        ordering = ["name"]
        constraints = non_negative("amount")

    def __str__(self):
        return self.name


class AwarenessReport(models.Model):
    """Qualitative follow-up of an awareness action: events, people reached, audiences."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="awareness_reports")
    date = models.DateField(_("date"))
    events_held = models.PositiveIntegerField(_("events held"), default=0)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    audiences = models.CharField(_("audiences"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("awareness report")
        verbose_name_plural = _("awareness reports")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date}: {self.events_held} / {self.people_reached}"


class FollowUpNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.text[:60]


class HistoryEntry(models.Model):
    """One change to a plan or one of its actions: who, when, and each field before and after."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="history")
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="history"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=300)
    # [{"field": label, "before": text, "after": text}, ...]
    changes = models.JSONField(default=list, blank=True)
    # The action's revision this change produced (optimistic locking diffs read it).
    revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "revision"])]

    def __str__(self):
        return self.summary
