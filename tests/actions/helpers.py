"""Shared data builders and role lists of the actions view tests."""

import datetime

from django.contrib.messages import get_messages
from django.urls import reverse

from actions.models import (
    Action,
    ActionStatus,
    BudgetKind,
    CatalogueAction,
    Origin,
    PlanStatus,
    Theme,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COUNCIL_DAY = datetime.date(2024, 6, 20)

MEMBERS = ["advisor", "referent", "staff_owner", "staff", "elected"]
READERS = ["admin", "metro_officer", *MEMBERS]
PLAN_EDITORS = ["admin", "advisor", "referent"]
PLAN_REFUSED = [
    ("staff_owner", 403),
    ("staff", 403),
    ("elected", 403),
    ("metro_officer", 403),
    ("outsider", 404),
    # The officer and an advisor of the other territory (the Pays Voironnais): 404 on the Métro's.
    ("foreign_officer", 404),
    ("foreign_advisor", 404),
]
CLOSERS = ["admin", "advisor"]
CLOSE_REFUSED = [("referent", 403), *PLAN_REFUSED]
ACTION_EDITORS = ["admin", "advisor", "referent", "staff_owner"]
ACTION_REFUSED = [
    ("staff", 403),
    ("elected", 403),
    ("metro_officer", 403),
    ("outsider", 404),
    ("foreign_officer", 404),
    ("foreign_advisor", 404),
]
# Who edits the Métro's own catalogue entries (the shared national ones are the administrator's): its
# officer, the advisors of its communes (the outsider advises another one of them), the administrator.
CATALOGUE_MANAGERS = ["admin", "metro_officer", "advisor", "outsider"]
TERRITORY_CATALOGUE_MANAGERS = ["metro_officer", "advisor", "outsider"]
CATALOGUE_REFUSED = ["referent", "staff", "elected"]
# The other territory's roles: 404 on the Métro's own entries, 403 on the shared ones.
FOREIGN = ["foreign_officer", "foreign_advisor"]


def adopt(plan, status=PlanStatus.FOLLOW_UP):
    plan.status = status
    plan.deliberation_date = COUNCIL_DAY
    plan.deliberation_number = "2024-031"
    plan.save()
    return plan


def url(name, *args):
    return reverse(f"actions:{name}", args=args)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def form_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


ACTION_FORM_FIELDS = [
    "title",
    "description",
    "theme",
    "axis",
    "origin",
    "owner",
    "owner_name",
    "elected_referent",
    "partners",
    "start_date",
    "end_date",
    "mwh_saved",
    "tco2e_avoided",
    "mwh_renewable",
    "status",
    "progress",
    "late_override_reason",
    "achieved_mwh_saved",
    "achieved_tco2e_avoided",
    "achieved_mwh_renewable",
]


def action_data(action, **overrides):
    """What the edit form of `action` posts when nothing is changed, with `overrides` applied."""
    data = {"revision": str(action.revision)}
    for name in ACTION_FORM_FIELDS:
        field = Action._meta.get_field(name)
        data[name] = form_value(getattr(action, field.attname))
    return {**data, **{name: form_value(value) for name, value in overrides.items()}}


def new_action_data(**overrides):
    data = {
        "title": "Installer des panneaux photovoltaïques sur le gymnase",
        "description": "Toiture du gymnase Paul-Bert, 250 m².",
        "theme": Theme.objects.order_by("pk").last().pk,
        "axis": "",
        "origin": Origin.NEW,
        "owner": "",
        "owner_name": "Services techniques",
        "elected_referent": "Adjointe à la transition écologique",
        "partners": "ALEC, Enercoop",
        "start_date": "2025-03-01",
        "end_date": "2025-11-30",
        "status": ActionStatus.PLANNED,
        "progress": "0",
        "mwh_saved": "",
        "tco2e_avoided": "1.5",
        "mwh_renewable": "45",
    }
    return {**data, **overrides}


def planning_data(action, milestones=(), budget=(), cofunders=(), revision=None):
    """POST data of the schedule-and-budget page: rows with an "id" are existing ones and come first."""
    data = {"revision": str(action.revision if revision is None else revision)}
    for prefix, rows in (("milestones", milestones), ("budget", budget), ("cofunders", cofunders)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(sum(1 for row in rows if row.get("id")))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = form_value(value)
    return data


def grid_data(action, cells=None, revision=None):
    """POST data of the grid: every cell of the plan's years empty but those given, as
    {"investment-forecast-2025": "12 500,50", ...}."""
    data = {"revision": str(action.revision if revision is None else revision)}
    for kind in BudgetKind.values:
        for measure in ("forecast", "actual"):
            for year in action.plan.years:
                data[f"{kind}-{measure}-{year}"] = ""
    data.update(cells or {})
    return data


def catalogue_data(**overrides):
    data = {
        "title": "Végétaliser les cours d'écoles",
        "description": "Désimperméabiliser et planter les cours d'écoles (îlots de fraîcheur).",
        "theme": Theme.objects.order_by("pk").first().pk,
        "target": "assets",
        "cost_min": "20000",
        "cost_max": "150000",
        "mwh_saved": "",
        "tco2e_avoided": "",
        "mwh_renewable": "",
        "difficulty": "2",
        "duration_months": "12",
        "indicators": "Surface désimperméabilisée (m²)\nNombre d'arbres plantés",
        "sources": "ADEME, Plus fraîche ma ville",
        "is_active": "on",
    }
    return {**data, **overrides}


def unused_catalogue_entry():
    """An entry of the shared national catalogue that no plan uses."""
    return CatalogueAction.objects.filter(actions__isnull=True, territory__isnull=True).order_by("pk").first()


def territory_catalogue_entry(territory, title="Réseau de chaleur de la Métro"):
    """An entry of the territory's own catalogue."""
    return CatalogueAction.objects.create(
        territory=territory, title=title, theme=Theme.objects.order_by("pk").first()
    )


def plan_data(**overrides):
    return {"title": "Plan climat 2025-2031", "start_year": "2025", "end_year": "2031", **overrides}
