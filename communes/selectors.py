"""Reads that feed the communes pages, each in a constant number of queries."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from . import permissions
from .models import (
    Agency,
    Commune,
    CommuneGroup,
    Invitation,
    Membership,
    Role,
    Signatory,
    SignatoryType,
    Stage,
    Territory,
    TerritoryRole,
    TerritoryRoleKind,
)

User = get_user_model()


def _with_key_people(communes: QuerySet[Commune]) -> QuerySet[Commune]:
    """Attaches `key_memberships` to each commune: its advisors' then its referents' memberships, each
    in name order, with their people (one query for both roles)."""
    return communes.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(role__in=[Role.ADVISOR, Role.REFERENT])
            .select_related("user")
            .order_by("role", "user__full_name", "pk"),
            to_attr="key_memberships",
        )
    )


def _referents_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=Role.REFERENT)
        .select_related("user")
        .order_by("user__full_name", "pk"),
        to_attr="referent_memberships",
    )


def _in_territories(queryset: QuerySet, territory_ids, field: str = "territory_id") -> QuerySet:
    """`queryset` limited to the territories `territory_ids` (None: every territory, the administrator's
    scope; a single id or a collection of them)."""
    if territory_ids is None:
        return queryset
    if isinstance(territory_ids, int):
        return queryset.filter(**{field: territory_ids})
    return queryset.filter(**{f"{field}__in": sorted(territory_ids)})


def advisors_all(*, territory_ids=None) -> QuerySet:
    """Everyone who advises at least one commune (of these territories, when given: an id or a collection
    of ids; None: all of them), as a subquery rather than a join made DISTINCT: each person once, without
    comparing whole rows; the filter bars list them on every read."""
    advising = _in_territories(
        Membership.objects.filter(role=Role.ADVISOR), territory_ids, "commune__territory_id"
    )
    return User.objects.filter(is_active=True, pk__in=advising.values("user_id")).order_by("full_name")


def advisors_visible(user) -> QuerySet:
    """The advisors the user may filter the lists by: those of the territories they see."""
    return advisors_all(territory_ids=permissions.visible_territory_ids(user))


def assignable_advisors(*, commune: Commune) -> QuerySet:
    """Whom the administrator may assign as the commune's advisors: the advisors of the platform with
    no agency, or whose agency serves the commune's territory, and the commune's current advisors (so
    that the form shows them checked, and says why they cannot stay when they no longer qualify)."""
    serving = Agency.objects.filter(territories=commune.territory_id).values("pk")
    advising = Membership.objects.filter(role=Role.ADVISOR).values("user_id")
    current = Membership.objects.filter(commune=commune, role=Role.ADVISOR).values("user_id")
    return User.objects.filter(
        Q(is_active=True, agency__in=serving)
        | Q(is_active=True, agency__isnull=True, pk__in=advising)
        | Q(pk__in=current)
    ).order_by("full_name")


def commune_people(*, commune, also_user_id: int | None = None) -> QuerySet:
    """The people with a role in the commune (and `also_user_id`, e.g. an action's owner who has
    left it since), by name: whom its actions and its working group may name."""
    people = Q(pk__in=Membership.objects.filter(commune=commune).values("user"))
    if also_user_id:
        people |= Q(pk=also_user_id)
    return User.objects.filter(people).order_by("full_name")


def account_exists(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def advisor_communes(*, advisor) -> QuerySet[Commune]:
    """The communes an advisor follows: those where they hold the advisor role (the one answer to
    that question, for the portfolio, the lists, the dashboards and the calendar feeds)."""
    return Commune.objects.filter(
        pk__in=Membership.objects.filter(user=advisor, role=Role.ADVISOR).values("commune_id")
    )


def network_communes(
    *, advisor=None, group: CommuneGroup | None = None, territory_id: int | None = None
) -> QuerySet[Commune]:
    """The communes an advisor follows, or a group's, or (neither given) every commune; only those of
    the territory when one is given."""
    communes = _in_territories(Commune.objects.all(), territory_id)
    if advisor is not None:
        communes = communes.filter(pk__in=advisor_communes(advisor=advisor))
    if group is not None:
        communes = communes.filter(commune_groups=group)
    return communes


def communes_all(*, territory_id: int | None = None) -> list[Commune]:
    """Every commune (of the territory, when given) with its EPCI, in name order."""
    return list(_in_territories(Commune.objects.select_related("epci"), territory_id).order_by("sort_name"))


def communes_ordered(*, territory_id: int | None = None) -> QuerySet[Commune]:
    """Every commune (of the territory, when given) in name order, as a query a page of them can be cut
    from (no EPCI joined)."""
    return _in_territories(Commune.objects.all(), territory_id).order_by("sort_name", "pk")


def communes_by_insee_codes(*, insee_codes) -> list[Commune]:
    """The communes of these INSEE codes, in name order."""
    return list(Commune.objects.filter(insee_code__in=list(insee_codes)).order_by("sort_name", "pk"))


def communes_by_ids(*, commune_ids) -> list[Commune]:
    return list(Commune.objects.filter(pk__in=list(commune_ids)).select_related("epci").order_by("sort_name"))


def commune_by_id(*, commune_id: int) -> Commune:
    return Commune.objects.select_related("epci", "territory").get(pk=commune_id)


def commune_by_insee_code(*, insee_code: str) -> Commune:
    """The commune of this INSEE code with its territory, or 404 (one query)."""
    commune = Commune.objects.select_related("territory").filter(insee_code=insee_code).first()
    if commune is None:
        raise Http404
    return commune


def communes_listed(*, territory_id: int | None = None) -> QuerySet[Commune]:
    """Every commune (of the territory, when given) with its EPCI, by name then INSEE code: a stable
    order to page through (the API's reference data: names, codes and populations of the official
    registers)."""
    communes = Commune.objects.select_related("epci").order_by("sort_name", "insee_code")
    return communes if territory_id is None else communes.filter(territory_id=territory_id)


def commune_listed(*, insee_code: str) -> Commune:
    """The commune of this INSEE code as `communes_listed` reads it, or 404 (one query)."""
    return get_object_or_404(communes_listed(), insee_code=insee_code)


def network_emails(*, territory_id: int | None = None) -> list[str]:
    """Everyone in the network: the addresses of active people with a role in a commune or a network
    role (with a territory given: a role in one of its communes, or its officers; the administrators,
    platform-wide, are not one territory's network and do not receive every territory's letter)."""
    if territory_id is None:
        people = Q(memberships__isnull=False) | Q(territory_roles__isnull=False) | Q(is_superuser=True)
    else:
        people = Q(memberships__commune__territory_id=territory_id) | Q(
            territory_roles__territory_id=territory_id
        )
    return list(
        User.objects.filter(is_active=True)
        .filter(people)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def commune_ids_all(*, territory_id: int | None = None) -> list[int]:
    return list(_in_territories(Commune.objects.all(), territory_id).values_list("pk", flat=True))


def commune_groups_all(*, territory_ids=None) -> QuerySet[CommuneGroup]:
    """The groups of communes (of these territories, when given: an id or a collection; None: all)."""
    return _in_territories(CommuneGroup.objects.all(), territory_ids)


def commune_groups_visible(user) -> QuerySet[CommuneGroup]:
    """The groups of communes of the territories the user sees."""
    return commune_groups_all(territory_ids=permissions.visible_territory_ids(user))


def portfolio_communes(*, advisor) -> QuerySet[Commune]:
    """The advisor's communes in name order, each with its `referent_memberships` (the portfolio names
    its referents; its advisor is the reader)."""
    return advisor_communes(advisor=advisor).prefetch_related(_referents_prefetch()).order_by("sort_name")


def portfolio_summary(*, advisor) -> list[tuple[str, str, int]]:
    """(stage, label, count) of the communes the advisor follows, in stage order (one query)."""
    counts = {stage.value: 0 for stage in Stage}
    for row in advisor_communes(advisor=advisor).values("stage").annotate(count=Count("pk")).order_by():
        counts[row["stage"]] = row["count"]
    return [(stage.value, stage.label, counts[stage.value]) for stage in Stage]


def commune_list(
    *, user, search: str = "", stage: str = "", advisor_id: int | None = None, territory_id: int | None = None
) -> QuerySet[Commune]:
    communes = permissions.visible_communes(user)
    if territory_id:
        communes = communes.filter(territory_id=territory_id)
    if search:
        communes = communes.filter(Q(name__icontains=search) | Q(insee_code__startswith=search))
    if stage:
        communes = communes.filter(stage=stage)
    if advisor_id:
        communes = communes.filter(pk__in=advisor_communes(advisor=advisor_id))
    return _with_key_people(communes).order_by("sort_name")


@dataclass
class CommunePage:
    commune: Commune
    members_by_role: list[tuple[str, list[Membership]]]
    pending_invitations: list[Invitation]


def commune_page(*, commune: Commune, with_invitations: bool) -> CommunePage:
    memberships = list(commune.memberships.select_related("user").order_by("user__full_name", "user__email"))
    members_by_role = [
        (role.label, [membership for membership in memberships if membership.role == role]) for role in Role
    ]
    invitations = []
    if with_invitations:
        invitations = list(
            commune.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
                "invited_by"
            )
        )
    return CommunePage(commune=commune, members_by_role=members_by_role, pending_invitations=invitations)


@dataclass
class SignatoryRow:
    name: str
    type_label: str
    signed_on: date | None
    insee_code: str = ""  # a commune's, for its link
    signatory_id: int | None = None  # another actor's, for its edit link
    is_demo: bool = False
    territory: str = ""
    territory_id: int | None = None


COMMUNE_TYPE = "commune"
COMMUNE_TYPE_LABEL = gettext_lazy("Commune")
SIGNATORY_COLUMNS = (
    "row_name",
    "row_type",
    "signed",
    "sort_date",
    "insee",
    "signatory_pk",
    "demo",
    "territory_name",
    "territory_pk",
)


def signatory_rows(*, type_filter: str = "", territory_ids=None) -> QuerySet:
    """The network of charter signatories, communes that signed and the other actors, by signature date
    (undated last) then name: one query of both tables, as dicts, that the page cuts into pages
    (`signatory_row` makes a row of each). Only those of `territory_ids` when given (an id or a
    collection of ids; None: every territory)."""
    parts = []
    if type_filter in ("", COMMUNE_TYPE):
        parts.append(
            _in_territories(Commune.objects.filter(charter_signed_on__isnull=False), territory_ids)
            .annotate(
                row_name=F("name"),
                row_type=Value(COMMUNE_TYPE),
                signed=F("charter_signed_on"),
                sort_date=Coalesce("charter_signed_on", Value(date.max)),
                insee=F("insee_code"),
                signatory_pk=Value(None, output_field=IntegerField()),
                demo=Value(False),
                territory_name=F("territory__name"),
                territory_pk=F("territory_id"),
            )
            .values(*SIGNATORY_COLUMNS)
        )
    if type_filter != COMMUNE_TYPE:
        signatories = _in_territories(Signatory.objects.all(), territory_ids)
        if type_filter:
            signatories = signatories.filter(type=type_filter)
        parts.append(
            signatories.annotate(
                row_name=F("name"),
                row_type=F("type"),
                signed=F("signed_on"),
                sort_date=Coalesce("signed_on", Value(date.max)),
                insee=Value(""),
                signatory_pk=F("pk"),
                demo=F("is_demo"),
                territory_name=F("territory__name"),
                territory_pk=F("territory_id"),
            ).values(*SIGNATORY_COLUMNS)
        )
    parts = [part.order_by() for part in parts]  # a compound statement orders once, as a whole
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("sort_date", "row_name")


def signatory_row(values: dict) -> SignatoryRow:
    labels = {COMMUNE_TYPE: COMMUNE_TYPE_LABEL, **dict(SignatoryType.choices)}
    return SignatoryRow(
        name=values["row_name"],
        type_label=str(labels.get(values["row_type"], values["row_type"])),
        signed_on=values["signed"],
        insee_code=values["insee"],
        signatory_id=values["signatory_pk"],
        is_demo=bool(values["demo"]),
        territory=values["territory_name"],
        territory_id=values["territory_pk"],
    )


def signatory_type_choices() -> list[tuple[str, str]]:
    return [(COMMUNE_TYPE, COMMUNE_TYPE_LABEL), *SignatoryType.choices]


def network_counts(*, territory_ids=None) -> dict[str, int]:
    """The communes, those that signed and the other signatories (of `territory_ids` when given)."""
    commune_counts = _in_territories(Commune.objects.all(), territory_ids).aggregate(
        total=Count("pk"), signed=Count("pk", filter=Q(charter_signed_on__isnull=False))
    )
    return {
        "communes": commune_counts["total"],
        "signed_communes": commune_counts["signed"],
        "other_signatories": _in_territories(Signatory.objects.all(), territory_ids).count(),
    }


def signatory_for_user(user, signatory_id: int) -> Signatory:
    """A signatory the user may edit: 404 for one of a territory they do not see, 403 for one of a
    territory they see but do not edit."""
    signatory = Signatory.objects.select_related("territory").filter(pk=signatory_id).first()
    if signatory is None or not permissions.can_view_signatories(user, signatory.territory_id):
        raise Http404("No such signatory.")
    permissions.require(permissions.can_edit_signatories(user, signatory.territory_id))
    return signatory


# --- territories ---------------------------------------------------------------------------------


class TerritoryOption(NamedTuple):
    """A territory as a selector or a filter lists it: a national platform lists 1,250 of them, read as
    plain rows rather than models."""

    pk: int
    slug: str
    name: str


@dataclass(frozen=True)
class TerritoryChoice:
    """The territory a page shows, among those the user may choose (the territory selector): the one
    `?territory=<slug>` names when the user may see it, else the first of theirs. `territory` is None when
    the user sees no territory at all; `choices` are TerritoryOption. One query."""

    territory: Territory | None
    choices: list[TerritoryOption]

    @property
    def has_several(self) -> bool:
        return len(self.choices) > 1


def territory_choice(
    user, slug: str | None = None, *, among: frozenset[int] | None = None
) -> TerritoryChoice:
    """The territory chosen by `slug` among those the user may see (`among`: the ids the page allows,
    e.g. `permissions.network_territory_ids(user)`; None: `permissions.visible_territory_ids(user)`,
    which is itself None for the administrator: every territory). A slug the user may not see raises 404,
    like any object of another territory."""
    # Every column of every territory, as rows: the options are made of three of them, and only the
    # chosen territory becomes a model (one query, and no 1,250 models for a national administrator).
    fields = [field.attname for field in Territory._meta.concrete_fields]
    rows = list(_territories_in(_choosable_ids(user, among)).values_list(*fields))
    pk, slug_at, name_at = fields.index("id"), fields.index("slug"), fields.index("name")
    choices = [TerritoryOption(row[pk], row[slug_at], row[name_at]) for row in rows]
    chosen = chosen_territory(choices, slug)
    index = choices.index(chosen) if chosen else 0
    territory = Territory.from_db(Territory.objects.db, fields, rows[index]) if rows else None
    return TerritoryChoice(territory, choices)


def territories_to_filter(user, among: frozenset[int] | None = None) -> list[TerritoryOption]:
    """The territories a list may be filtered by: those the user sees (`among`: the ids the page allows;
    None: `permissions.visible_territory_ids(user)`), read only when they are several (no query
    otherwise: a person of one territory has nothing to choose)."""
    ids = _choosable_ids(user, among)
    if ids is not None and len(ids) < 2:
        return []
    return [TerritoryOption(*row) for row in _territories_in(ids).values_list("pk", "slug", "name")]


def chosen_territory(territories: list[TerritoryOption], slug: str | None) -> TerritoryOption | None:
    """The territory of `territories` that `?territory=<slug>` names (None: no slug, every territory of
    the list); a slug not among them is 404, like any object of a territory the user does not see."""
    if not slug:
        return None
    chosen = next((territory for territory in territories if territory.slug == slug), None)
    if chosen is None:
        raise Http404("No such territory.")
    return chosen


def signatory_territories(user) -> list[Territory]:
    """The territories whose signatories the user adds and edits (`permissions.can_edit_signatories`)."""
    return territories_among(permissions.network_territory_ids(user))


def territories_with_commune_counts() -> list[Territory]:
    """Every territory in name order, each with `commune_count`, how many communes it has (one query)."""
    return list(Territory.objects.annotate(commune_count=Count("communes")).order_by("name"))


def territories_listed() -> QuerySet[Territory]:
    """Every territory by name then id: a stable order to page through (the API's reference data)."""
    return Territory.objects.order_by("name", "pk")


def territory_by_slug(*, slug: str) -> Territory:
    """The territory of this slug, or 404 (one query)."""
    territory = Territory.objects.filter(slug=slug).first()
    if territory is None:
        raise Http404
    return territory


def territory_by_id(*, territory_id: int) -> Territory:
    """The territory of this id, or 404 (one query)."""
    return get_object_or_404(Territory, pk=territory_id)


def territories_among(territory_ids) -> list[Territory]:
    """The territories of these ids in name order (None: every territory)."""
    return list(_territories_in(territory_ids))


def _territories_in(territory_ids) -> QuerySet[Territory]:
    """The territories of these ids in name order (None: every territory), as a queryset."""
    territories = Territory.objects.order_by("name")
    return territories if territory_ids is None else territories.filter(pk__in=sorted(territory_ids))


def _choosable_ids(user, among: frozenset[int] | None) -> frozenset[int] | None:
    """The territories a page lets the user choose: `among` when it names them, else every territory
    the user sees (None: every territory, the administrator)."""
    return permissions.visible_territory_ids(user) if among is None else among


# --- the territories compared (the administrator's platform-wide view) ---------------------------

# The engagement stages the comparison counts, in the order of the engagement.
ENGAGED_STAGES = (Stage.SIGNATORY, Stage.PLAN_IN_PREPARATION, Stage.PLAN_DELIBERATED, Stage.IN_FOLLOW_UP)


@dataclass
class TerritoryCommuneFigures:
    """A territory of the comparison, as plain values (no model instance: the rows of 1,250 territories
    are kept in the cache and read back from it), with its communes' figures: `population` sums
    the communes whose population is known (None: none is), `stage_counts` is {stage: communes} of the
    ENGAGED_STAGES, `agency_names` the agencies serving it, by name."""

    pk: int
    name: str
    slug: str
    siren: str
    climate_plan_name: str
    climate_plan_year: int | None
    is_demo: bool
    commune_count: int
    population: int | None
    stage_counts: dict[str, int]
    officer_count: int
    agency_names: list[str]


def territory_comparison_rows() -> list[TerritoryCommuneFigures]:
    """Every territory by name, each with its communes' figures, in four queries whatever the number of
    territories: the territories, their communes aggregated by territory, their officers counted by
    territory, and the agencies serving them."""
    stage_columns = {f"stage_{stage}": Count("pk", filter=Q(stage=stage)) for stage in ENGAGED_STAGES}
    communes = {
        row["territory_id"]: row
        for row in Commune.objects.order_by()
        .values("territory_id")
        .annotate(commune_count=Count("pk"), population=Sum("population"), **stage_columns)
    }
    officers = dict(
        TerritoryRole.objects.filter(role=TerritoryRoleKind.OFFICER)
        .order_by()
        .values("territory_id")
        .annotate(count=Count("pk"))
        .values_list("territory_id", "count")
    )
    agencies: dict[int, list[str]] = {}
    for territory_id, name in Agency.territories.through.objects.order_by("agency__name").values_list(
        "territory_id", "agency__name"
    ):
        agencies.setdefault(territory_id, []).append(name)
    rows = []
    for territory in Territory.objects.order_by("name", "pk").values(
        "pk", "name", "slug", "siren", "climate_plan_name", "climate_plan_year", "is_demo"
    ):
        counted = communes.get(territory["pk"], {})
        rows.append(
            TerritoryCommuneFigures(
                **territory,
                commune_count=counted.get("commune_count", 0),
                population=counted.get("population"),
                # Keyed by the stages' values: strings read back from the cache faster than enum members.
                stage_counts={stage.value: counted.get(f"stage_{stage}", 0) for stage in ENGAGED_STAGES},
                officer_count=officers.get(territory["pk"], 0),
                agency_names=agencies.get(territory["pk"], []),
            )
        )
    return rows
