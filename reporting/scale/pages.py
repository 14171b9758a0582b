"""The main pages the benchmarks read, each with the account of the role that uses it, and the pages each
role browses under load (bench_load's locust scenario). Read from the database load_scale filled."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from actions.models import ActionPlan, PlanStatus
from communes.models import Membership, Role

from . import DOMAIN, bench_email

User = get_user_model()

TRIVIAL_URL = "/account/"
# A page read without signing in (its trivial page is then read by the administrator).
ANONYMOUS = ""


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    email: str


def bench_plan() -> ActionPlan:
    """The plan the pages are read on: the first plan in follow-up (load_scale's plan 1)."""
    plan = (
        ActionPlan.objects.filter(status=PlanStatus.FOLLOW_UP)
        .select_related("commune")
        .order_by("pk")
        .first()
    )
    if plan is None:
        raise LookupError("No plan in follow-up: load the data first (manage.py load_scale).")
    return plan


def _member(commune_id: int, role: str) -> str:
    membership = (
        Membership.objects.filter(commune_id=commune_id, role=role, user__email__endswith=f"@{DOMAIN}")
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    if membership is None:
        raise LookupError(f"No bench {role} in the plan's commune: load the data with manage.py load_scale.")
    return membership.user.email


def main_pages() -> list[Page]:
    plan = bench_plan()
    commune = plan.commune
    insee = commune.insee_code
    administrator, advisor, officer = (
        bench_email("admin", 1),
        bench_email("advisor", 1),
        bench_email("officer", 1),
    )
    referent, elected = _member(commune.pk, Role.REFERENT), _member(commune.pk, Role.ELECTED)
    return [
        Page("portfolio (advisor, 300 communes)", reverse("communes:portfolio"), advisor),
        Page("communes list (administrator)", reverse("communes:list"), administrator),
        Page("communes list (advisor)", reverse("communes:list"), advisor),
        Page("commune page (elected)", reverse("communes:detail", args=[insee]), elected),
        Page("observatory, agglomeration (officer)", reverse("observatory:agglomeration"), officer),
        Page("observatory, commune (referent)", reverse("observatory:commune", args=[insee]), referent),
        Page("network dashboard (administrator)", reverse("reporting:network_dashboard"), administrator),
        Page("network dashboard (advisor)", reverse("reporting:network_dashboard"), advisor),
        Page("territories compared (administrator)", reverse("reporting:territories"), administrator),
        Page("commune dashboard (referent)", reverse("reporting:commune_dashboard", args=[insee]), referent),
        Page(
            f"plan, {plan.actions.count()} actions (referent)",
            reverse("actions:plan", args=[plan.pk]),
            referent,
        ),
        Page("plan budget (referent)", reverse("actions:plan_budget", args=[plan.pk]), referent),
        Page("to update (advisor)", reverse("actions:to_update"), advisor),
        Page("catalogue (advisor)", reverse("actions:catalogue"), advisor),
        Page("documents (administrator)", reverse("reporting:documents"), administrator),
        Page("observatory imports (administrator)", reverse("observatory:imports"), administrator),
        # The public pages, read by anyone (no account); the API, anonymous and with a person's token.
        Page("public index (anonymous)", reverse("public:index"), ANONYMOUS),
        Page(
            "public territory (anonymous)",
            reverse("public:territory", args=[commune.territory.slug]),
            ANONYMOUS,
        ),
        Page("public plan (anonymous)", reverse("public:commune_plan", args=[insee]), ANONYMOUS),
        Page(
            "public observatory (anonymous)",
            reverse("public:observatory", args=[commune.territory.slug]),
            ANONYMOUS,
        ),
        Page("open data (anonymous)", reverse("public:open_data"), ANONYMOUS),
        Page("API plans (anonymous)", "/api/v1/plans", ANONYMOUS),
        Page("API actions of a plan (anonymous)", f"/api/v1/actions?plan={plan.pk}", ANONYMOUS),
    ]


def load_scenario(*, accounts_per_role: int, password: str) -> dict:
    """The locust scenario: for each role, accounts (email, password) and the pages each one browses
    ({name: url}). Advisors read their portfolio and the network; referents and elected officials their
    commune, its plan and its figures."""
    shared = {
        "communes list": reverse("communes:list"),
        "observatory": reverse("observatory:agglomeration"),
        "catalogue": reverse("actions:catalogue"),
        "account": TRIVIAL_URL,
    }
    roles = {"advisor": [], "referent": [], "elected": []}
    for email in (
        User.objects.filter(email__startswith="advisor-")
        .order_by("email")
        .values_list("email", flat=True)[:accounts_per_role]
    ):
        roles["advisor"].append(
            {
                "email": email,
                "password": password,
                "pages": shared
                | {
                    "portfolio": reverse("communes:portfolio"),
                    "network dashboard": reverse("reporting:network_dashboard"),
                    "to update": reverse("actions:to_update"),
                },
            }
        )
    plans = ActionPlan.objects.select_related("commune").order_by("pk")
    for role, key in ((Role.REFERENT, "referent"), (Role.ELECTED, "elected")):
        members = Membership.objects.filter(role=role, commune__action_plans__isnull=False).select_related(
            "user"
        )
        by_commune = {membership.commune_id: membership.user.email for membership in members}
        for plan in plans:
            if len(roles[key]) >= accounts_per_role:
                break
            if plan.commune_id not in by_commune:
                continue
            insee = plan.commune.insee_code
            pages = shared | {
                "commune page": reverse("communes:detail", args=[insee]),
                "commune dashboard": reverse("reporting:commune_dashboard", args=[insee]),
                "observatory, commune": reverse("observatory:commune", args=[insee]),
                "plan": reverse("actions:plan", args=[plan.pk]),
                "plan budget": reverse("actions:plan_budget", args=[plan.pk]),
            }
            if role == Role.REFERENT:
                pages["to update"] = reverse("actions:to_update")
            roles[key].append({"email": by_commune[plan.commune_id], "password": password, "pages": pages})
    return roles
