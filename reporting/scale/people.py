"""The people the benchmarks sign in as: an administrator, the Métro's officer, advisors (advisor-001 follows
300 communes: the portfolio is benchmarked with it), and a referent and an elected official in each plan
commune. Every one has the same known password, hashed once (hashing is deliberately slow).

The plan communes are spread over the country, so over many territories: the advisors work for one agency
that serves every territory of the communes they follow (a regional or national operator's)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from communes.importers import GRENOBLE_METROPOLE
from communes.models import Agency, Commune, Membership, Role, Territory, TerritoryRole

from . import bench_email

User = get_user_model()

BENCH_AGENCY = "Agence de l'énergie (banc d'essai)"
PORTFOLIO_SIZE = 300  # the communes advisor-001 follows
COMMUNES_PER_ADVISOR = 30  # the plan communes each of the other advisors follows


@dataclass
class People:
    users: int = 0
    memberships: int = 0


def people_load(*, plan_communes: list[Commune], communes: list[Commune], password: str) -> People:
    """Creates the bench's accounts and their roles; `plan_communes` are the communes that have a plan,
    `communes` every commune (advisor-001's portfolio is completed from them)."""
    hashed = make_password(password)

    def user(role: str, number: int, **fields) -> User:
        email = bench_email(role, number)
        return User(email=email, full_name=f"{role.capitalize()} {number:03d}", password=hashed, **fields)

    administrator = user("admin", 1, is_superuser=True, is_staff=True)
    officer = user("officer", 1)
    agency = Agency.objects.get_or_create(name=BENCH_AGENCY)[0]
    advisor_count = 1 + -(-len(plan_communes) // COMMUNES_PER_ADVISOR)
    advisors = [user("advisor", number, agency=agency) for number in range(1, advisor_count + 1)]
    referents = [user("referent", number) for number in range(1, len(plan_communes) + 1)]
    elected = [user("elu", number) for number in range(1, len(plan_communes) + 1)]
    User.objects.bulk_create([administrator, officer, *advisors, *referents, *elected])
    # The officer of Grenoble-Alpes Métropole's territory (of the first plan commune's when the data holds
    # only the first communes of the list, as the tests load).
    metro = Territory.objects.filter(siren=GRENOBLE_METROPOLE["siren"], communes__isnull=False).first()
    TerritoryRole.objects.create(
        user=officer, territory_id=metro.pk if metro else plan_communes[0].territory_id
    )

    chosen = {commune.pk for commune in plan_communes}
    portfolio = list(plan_communes[:PORTFOLIO_SIZE])
    portfolio += [commune for commune in communes if commune.pk not in chosen][
        : max(0, PORTFOLIO_SIZE - len(portfolio))
    ]
    memberships = [Membership(user=advisors[0], commune=commune, role=Role.ADVISOR) for commune in portfolio]
    for index, commune in enumerate(plan_communes):
        advisor = advisors[1 + index // COMMUNES_PER_ADVISOR]
        memberships += [
            Membership(user=advisor, commune=commune, role=Role.ADVISOR),
            Membership(user=referents[index], commune=commune, role=Role.REFERENT),
            Membership(user=elected[index], commune=commune, role=Role.ELECTED),
        ]
    Membership.objects.bulk_create(memberships, batch_size=5000)
    agency.territories.add(*{membership.commune.territory_id for membership in memberships})
    return People(users=2 + len(advisors) + len(referents) + len(elected), memberships=len(memberships))
