"""What the API answers and accepts: the OpenAPI schema is made from these types.

Never in an answer: people's names other than an action's elected referent (the responsible person
only to those who read the plan through their roles), emails, follow-up notes, meeting minutes,
attachments, who published or updated something."""

from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import BaseModel, field_validator

from actions.models import ActionStatus, BudgetKind, PlanStatus
from communes import permissions
from observatory.models import Quantity

# --- reference data --------------------------------------------------------------------------------


class TerritoryOut(Schema):
    id: int
    name: str
    slug: str
    siren: str
    climate_plan_name: str
    climate_plan_year: int | None


class EpciOut(Schema):
    siren: str
    name: str


class CommuneOut(Schema):
    insee_code: str
    name: str
    siren: str
    population: int | None
    population_year: int | None
    territory: int = Field(..., alias="territory_id")
    epci: EpciOut | None


class ThemeOut(Schema):
    id: int
    name: str


# --- plans and actions ---------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    commune: str = Field(..., alias="commune.insee_code", description="The commune's INSEE code.")
    commune_name: str = Field(..., alias="commune.name")
    title: str
    version: int
    status: PlanStatus
    start_year: int
    end_year: int
    deliberation_date: date | None
    deliberation_number: str
    has_signed_deliberation: bool
    is_published: bool
    published_at: datetime | None

    @staticmethod
    def resolve_has_signed_deliberation(plan) -> bool:
        return bool(plan.deliberation_file)


class AxisOut(Schema):
    id: int
    title: str
    parent: int | None = Field(..., alias="parent_id")
    order: int


class BudgetTotalsOut(Schema):
    forecast: float = Field(..., description="Forecast of every action, € excluding tax.")
    actual: float = Field(..., description="Spent so far, € excluding tax.")


class PlanDetailOut(PlanOut):
    axes: list[AxisOut]
    action_count: int
    budget: BudgetTotalsOut


class ImpactOut(Schema):
    mwh_saved: float | None = Field(..., description="Energy saved (MWh/year).")
    tco2e_avoided: float | None = Field(..., description="Emissions avoided (t CO2e/year).")
    mwh_renewable: float | None = Field(..., description="Renewable production (MWh/year).")


# Plain pydantic models fed with dicts (ActionOut's resolvers): no attribute getter to run for each of the
# hundreds of milestones and budget lines of a page.
class MilestoneOut(BaseModel):
    name: str
    due_date: date
    done_on: date | None


class BudgetLineOut(BaseModel):
    year: int
    kind: BudgetKind
    forecast: float = Field(..., description="Forecast, € excluding tax.")
    actual: float | None = Field(..., description="Spent, € excluding tax (null: not recorded).")
    added_after_adoption: bool


class ActionOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    commune: str = Field(..., alias="plan.commune.insee_code")
    axis: int | None = Field(..., alias="axis_id")
    theme: ThemeOut
    title: str
    description: str
    origin: str
    status: ActionStatus
    progress: int = Field(..., ge=0, le=100)
    start_date: date | None
    end_date: date | None
    elected_referent: str
    responsible: str | None = Field(
        None, description="The person or service responsible: only to those who read the plan by their roles."
    )
    milestones: list[MilestoneOut]
    budget_lines: list[BudgetLineOut]
    expected_impact: ImpactOut
    achieved_impact: ImpactOut
    revision: int = Field(..., description="Give it back when updating the follow-up (optimistic locking).")
    updated_at: datetime

    @staticmethod
    def resolve_milestones(action) -> list:
        return [
            {"name": milestone.name, "due_date": milestone.due_date, "done_on": milestone.done_on}
            for milestone in action.milestone_list
        ]

    @staticmethod
    def resolve_budget_lines(action) -> list:
        return [
            {
                "year": line.year,
                "kind": line.kind,
                "forecast": line.forecast,
                "actual": line.actual,
                "added_after_adoption": line.added_after_adoption,
            }
            for line in action.budget_line_list
        ]

    @staticmethod
    def resolve_expected_impact(action) -> dict:
        return {name: getattr(action, name) for name in ("mwh_saved", "tco2e_avoided", "mwh_renewable")}

    @staticmethod
    def resolve_achieved_impact(action) -> dict:
        return {
            name: getattr(action, f"achieved_{name}")
            for name in ("mwh_saved", "tco2e_avoided", "mwh_renewable")
        }

    @staticmethod
    def resolve_responsible(action, context) -> str | None:
        user = context["request"].auth
        if not permissions.can_view_plan(user, action.plan):
            return None
        return action.owner_label or None


class SpendingIn(Schema):
    """The actual spending of the year by budget kind, € excluding tax: a kind left out is left as it is,
    null clears it."""

    investment: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    operating: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class FollowUpIn(Schema):
    """A follow-up of an action: whatever is left out stays as it is."""

    revision: int = Field(..., ge=1, description="The action's `revision` the change was made from.")
    status: ActionStatus | None = None
    progress: int | None = Field(None, ge=0, le=100)
    year: int | None = Field(
        None, ge=1990, le=2100, description="The year of `spending` (default: this year)."
    )
    spending: SpendingIn | None = None
    note: str = Field("", max_length=10_000, description="A follow-up note, kept in the action's history.")

    @field_validator("note")
    @classmethod
    def no_null_character(cls, value: str) -> str:
        # PostgreSQL refuses it in a text; say so on the field rather than fail the save.
        if "\x00" in value:
            raise ValueError("A note cannot contain a null character.")
        return value


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class ConflictOut(Schema):
    detail: str
    current_revision: int


# --- observatory ---------------------------------------------------------------------------------


class DatasetOut(Schema):
    code: str
    name: str
    producer: str
    licence: str = Field(..., alias="open_licence")
    url: str
    territory: int | None = Field(..., alias="territory_id", description="Null: shared by every territory.")
    is_open: bool
    is_demo: bool


class YearValue(Schema):
    year: int
    value: float


class YearValuePerInhabitant(YearValue):
    per_inhabitant: float | None


class PartSeries(Schema):
    part: str
    values: list[YearValue]


class SeriesOut(Schema):
    dataset: str
    licence: str
    territory: int | None
    commune: str | None
    quantity: Quantity
    unit: str
    values: list[YearValuePerInhabitant] = Field(
        ..., description="Totals of the years when every commune of the scope has a value."
    )
    partial_values: list[YearValue] = Field(
        ..., description="Sums of the years when only some communes have a value: not totals."
    )
    by_part: list[PartSeries] = Field(..., description="By sector (consumption, emissions) or source.")


class IndicatorYear(Schema):
    year: int
    consumption_per_inhabitant: float | None = Field(..., description="MWh per inhabitant.")
    emissions_per_inhabitant: float | None = Field(..., description="t CO2e per inhabitant.")
    production_per_inhabitant: float | None = Field(..., description="MWh per inhabitant.")
    renewable_share: float | None = Field(..., description="Renewable production / consumption, in %.")


class IndicatorsOut(Schema):
    dataset: str
    licence: str
    territory: int | None
    commune: str | None
    years: list[IndicatorYear]


# --- documents -----------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str
    plan: int | None = Field(..., alias="plan_id")
    commune: str | None
    territory: int | None = Field(..., alias="territory_id")
    year: int | None
    status: str
    is_adopted_version: bool = Field(..., alias="is_frozen")
    size: int | None = Field(..., description="Bytes.")
    pages: int | None
    created_at: datetime
    url: str = Field(..., description="The document's page on the platform (signing in is needed).")
    download_url: str | None

    @staticmethod
    def resolve_commune(document) -> str | None:
        return document.commune.insee_code if document.commune_id else None

    @staticmethod
    def resolve_url(document, context) -> str:
        return context["request"].build_absolute_uri(reverse("reporting:document", args=[document.pk]))

    @staticmethod
    def resolve_download_url(document, context) -> str | None:
        if not document.is_ready:
            return None
        url = reverse("reporting:document_download", args=[document.pk])
        return context["request"].build_absolute_uri(url)
