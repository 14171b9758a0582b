"""The operations of /api/v1/: each parses its parameters, asks one selector or service, answers.

What each person reads comes from the owning apps' selectors, never from their models: the published
data through the public selectors (`published_plan_ids`, `open_datasets`, `published_letters`), and with
a token what the pages let them read (the filters of communes/permissions.py): `readable_plans`,
`readable_actions` (actions), `readable_datasets` (observatory), `readable_documents` (reporting)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from actions import selectors as actions_selectors
from actions import services as action_services
from actions.models import ActionStatus, PlanStatus
from actions.selectors import plan_budget_summary
from actions.services.follow_up import FollowUp
from communes import permissions
from communes import selectors as communes_selectors
from observatory import selectors as observatory_selectors
from observatory.models import STORED_UNIT, Quantity
from reporting import selectors as reporting_selectors

from .auth import READ_AUTH, WRITE_AUTH
from .pagination import Pages
from .schemas import (
    ActionOut,
    CommuneOut,
    ConflictOut,
    DatasetOut,
    DocumentOut,
    ErrorOut,
    FollowUpIn,
    IndicatorsOut,
    PlanDetailOut,
    PlanOut,
    SeriesOut,
    TerritoryOut,
    ThemeOut,
    ValidationErrorOut,
)

router = Router(auth=READ_AUTH)

YEAR = Field(None, ge=1990, le=2100)
# Ids the database can hold (a larger one would fail the query rather than find nothing).
MAX_ID = 2**62
ID = Field(None, ge=1, le=MAX_ID)
PATH_ID = Path(..., ge=1, le=MAX_ID)
INSEE_PATTERN = r"^[0-9][0-9AB][0-9]{3}$"
INSEE = Field(None, pattern=INSEE_PATTERN, description="A commune's INSEE code.")


# --- reference data --------------------------------------------------------------------------------


@router.get("/territories", response=list[TerritoryOut], tags=["reference"])
@paginate(Pages)
def territories(request):
    """The territories (agglomerations, communities of communes) of the platform."""
    return communes_selectors.territories_listed()


class CommuneFilters(Schema):
    territory: int | None = ID


@router.get("/communes", response=list[CommuneOut], tags=["reference"])
@paginate(Pages)
def communes(request, filters: Query[CommuneFilters]):
    """The communes of the platform (names, INSEE codes and populations of the official registers)."""
    return communes_selectors.communes_listed(territory_id=filters.territory)


@router.get("/communes/{insee_code}", response={200: CommuneOut, 404: ErrorOut}, tags=["reference"])
def commune(request, insee_code: str = Path(..., pattern=INSEE_PATTERN)):
    return communes_selectors.commune_listed(insee_code=insee_code)


@router.get("/themes", response=list[ThemeOut], tags=["reference"])
@paginate(Pages)
def themes(request):
    """The themes of actions (the `theme` filter of actions takes their ids)."""
    return actions_selectors.themes_listed()


# --- plans and actions -----------------------------------------------------------------------------


class PlanFilters(Schema):
    territory: int | None = ID
    commune: str | None = INSEE
    status: PlanStatus | None = None
    year: int | None = Field(None, ge=1990, le=2100, description="Plans whose period includes the year.")


@router.get("/plans", response=list[PlanOut], tags=["plans"])
@paginate(Pages)
def plans(request, filters: Query[PlanFilters]):
    """Every published plan version; with a token, also the plans of the communes your roles open."""
    return actions_selectors.readable_plans(request.auth, **filters.dict())


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, 404: ErrorOut}, tags=["plans"])
def plan(request, plan_id: int = PATH_ID):
    plan = actions_selectors.readable_plan(request.auth, plan_id)
    totals = plan_budget_summary(plan=plan).totals
    plan.action_count = actions_selectors.plan_action_count(plan=plan)
    plan.budget = {"forecast": totals["forecast"], "actual": totals["actual"]}
    return plan


class ActionFilters(Schema):
    territory: int | None = ID
    commune: str | None = INSEE
    plan: int | None = ID
    status: ActionStatus | None = None
    theme: int | None = ID
    year: int | None = Field(
        None, ge=1990, le=2100, description="Actions of plans whose period includes the year."
    )


@router.get("/actions", response=list[ActionOut], tags=["actions"])
@paginate(Pages)
def actions(request, filters: Query[ActionFilters]):
    """The actions of the plans you read, with their milestones, budget lines and impacts."""
    return actions_selectors.readable_actions(request.auth, **filters.dict())


@router.get("/actions/{action_id}", response={200: ActionOut, 404: ErrorOut}, tags=["actions"])
def action(request, action_id: int = PATH_ID):
    return actions_selectors.readable_action(request.auth, action_id)


@router.patch(
    "/actions/{action_id}/follow-up",
    auth=WRITE_AUTH,
    response={
        200: ActionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ValidationErrorOut,
    },
    tags=["actions"],
)
def action_follow_up(request, follow_up: FollowUpIn, action_id: int = PATH_ID):
    """Updates the follow-up of an action (status, progress, the year's spending, a note) as the follow-up
    page does, under the same permission: the plan's editors, the staff member responsible for it.
    Give the `revision` you read: if someone saved the action since, nothing is saved (409)."""
    user = request.auth
    action = actions_selectors.readable_action(user, action_id)
    if not permissions.can_edit_action(user, action):
        # As the pages: 404 above for whoever cannot read the action at all (here: neither published nor
        # theirs), 403 for a reader who may not update it.
        return Status(403, {"detail": _("You may read this action but not update it.")})
    spending = follow_up.spending
    try:
        action_services.action_follow_up(
            action=action,
            user=user,
            base_revision=follow_up.revision,
            follow_up=FollowUp(
                status=follow_up.status or action.status,
                progress=action.progress if follow_up.progress is None else follow_up.progress,
                year=follow_up.year or timezone.localdate().year,
                spending={kind: getattr(spending, kind) for kind in spending.model_fields_set}
                if spending
                else {},
                note=follow_up.note,
            ),
        )
    except action_services.ActionConflict as conflict:
        message = _(
            "Someone saved this action since revision %(revision)d: read it again, then retry. "
            "Nothing was saved."
        )
        return Status(
            409,
            {
                "detail": message % {"revision": follow_up.revision},
                "current_revision": conflict.current_revision,
            },
        )
    except ValidationError as error:
        return Status(422, {"detail": _field_errors(error)})
    return actions_selectors.readable_action(user, action_id)


def _field_errors(error: ValidationError) -> list[dict]:
    """The service's errors by field, in the shape of the API's other validation errors (the body's
    parameter is `follow_up`)."""
    errors = []
    for name, messages in getattr(error, "message_dict", {NON_FIELD_ERRORS: error.messages}).items():
        if name == NON_FIELD_ERRORS:
            loc = ["body", "follow_up"]
        elif name.startswith("spending_"):
            loc = ["body", "follow_up", "spending", name.removeprefix("spending_")]
        else:
            loc = ["body", "follow_up", name]
        errors.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    return errors


# --- observatory -----------------------------------------------------------------------------------


class DatasetFilters(Schema):
    territory: int | None = Field(
        None, ge=1, le=MAX_ID, description="The datasets a territory's observatory reads."
    )


@router.get("/datasets", response=list[DatasetOut], tags=["observatory"])
@paginate(Pages)
def datasets(request, filters: Query[DatasetFilters]):
    """The open datasets; with a token, also those of the observatories you read."""
    return observatory_selectors.readable_datasets(request.auth, territory_id=filters.territory)


class Scope(Schema):
    dataset: str = Field(..., pattern=r"^[-a-zA-Z0-9_]{1,60}$", description="The dataset's code.")
    territory: int | None = Field(None, ge=1, le=MAX_ID, description="A territory (or give a commune).")
    commune: str | None = INSEE
    from_year: int | None = YEAR
    to_year: int | None = YEAR


class SeriesScope(Scope):
    quantity: Quantity


def _observatory(request, scope: Scope):
    """The observatory of the scope (a territory or one commune) from a dataset the person reads."""
    commune = None
    if scope.commune:
        commune = communes_selectors.commune_by_insee_code(insee_code=scope.commune)
        territory_id = commune.territory_id
    elif scope.territory is not None:
        territory_id = communes_selectors.territory_by_id(territory_id=scope.territory).pk
    else:
        raise _refused("territory", _("Give a territory or a commune."))
    if scope.territory is not None and scope.territory != territory_id:
        raise _refused("commune", _("This commune is not of this territory."))
    dataset = observatory_selectors.readable_dataset(
        request.auth, code=scope.dataset, territory_id=territory_id
    )
    view = observatory_selectors.territory_observatory(
        commune_ids=[commune.pk] if commune else None,
        dataset=dataset,
        commune=commune,
        territory_id=None if commune else territory_id,
    )
    return dataset, commune, territory_id, view


def _refused(parameter: str, message: str) -> NinjaValidationError:
    """A 422 naming the parameter, as the parameters' own checks answer."""
    return NinjaValidationError([{"loc": ["query", parameter], "msg": message, "type": "value_error"}])


def _in_years(scope: Scope, year: int) -> bool:
    return (scope.from_year is None or year >= scope.from_year) and (
        scope.to_year is None or year <= scope.to_year
    )


@router.get("/observatory/series", response={200: SeriesOut, 404: ErrorOut}, tags=["observatory"])
def observatory_series(request, scope: Query[SeriesScope]):
    """The yearly values of a quantity for a territory or a commune, in the quantity's unit: the totals of
    the years every commune has a value for, with their sums by sector or source."""
    dataset, commune, territory_id, view = _observatory(request, scope)
    if scope.quantity == Quantity.POPULATION:
        totals, partial, by_part, per_inhabitant = view.population, view.partial_population, {}, {}
    else:
        series = getattr(view, str(scope.quantity))
        totals, partial, by_part = series.totals, series.partial_totals, series.by_part
        per_inhabitant = view.per_inhabitant(series)

    def in_years(values: dict) -> list[tuple[int, float]]:
        return sorted((year, value) for year, value in values.items() if _in_years(scope, year))

    return {
        "dataset": dataset.code,
        "licence": dataset.open_licence,
        "territory": None if commune else territory_id,
        "commune": commune.insee_code if commune else None,
        "quantity": scope.quantity,
        "unit": STORED_UNIT[scope.quantity],
        "values": [
            {"year": year, "value": value, "per_inhabitant": per_inhabitant.get(year)}
            for year, value in in_years(totals)
        ],
        "partial_values": [{"year": year, "value": value} for year, value in in_years(partial)],
        "by_part": [
            {"part": part, "values": [{"year": year, "value": value} for year, value in in_years(values)]}
            for part, values in by_part.items()
        ],
    }


@router.get("/observatory/indicators", response={200: IndicatorsOut, 404: ErrorOut}, tags=["observatory"])
def observatory_indicators(request, scope: Query[Scope]):
    """Per-inhabitant figures and the renewable share, by year, of a territory or a commune."""
    dataset, commune, territory_id, view = _observatory(request, scope)
    per_inhabitant = {
        quantity: view.per_inhabitant(getattr(view, quantity))
        for quantity in ("consumption", "emissions", "production")
    }
    share = view.renewable_share
    years = sorted({year for values in (*per_inhabitant.values(), share) for year in values})
    return {
        "dataset": dataset.code,
        "licence": dataset.open_licence,
        "territory": None if commune else territory_id,
        "commune": commune.insee_code if commune else None,
        "years": [
            {
                "year": year,
                **{
                    f"{quantity}_per_inhabitant": values.get(year)
                    for quantity, values in per_inhabitant.items()
                },
                "renewable_share": share.get(year),
            }
            for year in years
            if _in_years(scope, year)
        ],
    }


# --- documents -------------------------------------------------------------------------------------


class DocumentFilters(Schema):
    commune: str | None = INSEE
    plan: int | None = ID


@router.get("/documents", response=list[DocumentOut], tags=["documents"])
@paginate(Pages)
def documents(request, filters: Query[DocumentFilters]):
    """The generated documents' metadata: the adopted deliberation files of the published plans and the
    published letters; with a token, also the documents your roles let you see."""
    return reporting_selectors.readable_documents(
        request.auth, commune_insee=filters.commune, plan_id=filters.plan
    )
