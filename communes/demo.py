"""Demonstration data: the 49 communes of Grenoble-Alpes Métropole, demo people of each role, partners.

Idempotent: a second run changes nothing that exists (communes keep their engagement data, people keep
their passwords); it only adds what is missing. Passwords of demo people are printed once, at creation.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from .importers import GRENOBLE_METROPOLE, GRENOBLE_METROPOLE_CLIMATE_PLAN, METRO_FILE, communes_import
from .models import (
    Commune,
    CommuneGroup,
    Membership,
    Role,
    Signatory,
    SignatoryType,
    Stage,
    TerritoryRole,
    TerritoryRoleKind,
)

User = get_user_model()

DEMO_DOMAIN = "ale-demo.example"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    label: str
    is_superuser: bool = False
    is_officer: bool = False  # the demo territory's officer (communes.TerritoryRole)
    roles: tuple[tuple[str, str], ...] = ()  # (INSEE code or "*half-a" / "*half-b", role)


GRENOBLE, ECHIROLLES, MEYLAN = "38185", "38151", "38229"

DEMO_PEOPLE = (
    DemoPerson(f"admin@{DEMO_DOMAIN}", "Alice Admin", "administrator", is_superuser=True),
    DemoPerson(
        f"claire.martin@{DEMO_DOMAIN}",
        "Claire Martin",
        "ALE advisor (first half of the communes)",
        roles=(("*half-a", Role.ADVISOR),),
    ),
    DemoPerson(
        f"thomas.bernard@{DEMO_DOMAIN}",
        "Thomas Bernard",
        "ALE advisor (second half of the communes)",
        roles=(("*half-b", Role.ADVISOR),),
    ),
    DemoPerson(
        f"sophie.laurent@{DEMO_DOMAIN}",
        "Sophie Laurent",
        "energy-climate referent, Grenoble",
        roles=((GRENOBLE, Role.REFERENT),),
    ),
    DemoPerson(
        f"julien.moreau@{DEMO_DOMAIN}",
        "Julien Moreau",
        "commune staff member, Grenoble",
        roles=((GRENOBLE, Role.STAFF),),
    ),
    DemoPerson(
        f"elodie.garnier@{DEMO_DOMAIN}",
        "Élodie Garnier",
        "elected official, Grenoble",
        roles=((GRENOBLE, Role.ELECTED),),
    ),
    DemoPerson(
        f"karim.benali@{DEMO_DOMAIN}",
        "Karim Benali",
        "energy-climate referent, Échirolles and Meylan",
        roles=((ECHIROLLES, Role.REFERENT), (MEYLAN, Role.REFERENT)),
    ),
    DemoPerson(f"marc.durand@{DEMO_DOMAIN}", "Marc Durand", "Métro / observatory officer", is_officer=True),
)

# Eighteen partners beside forty communes: the seed's network of 58 charter signatories.
DEMO_PARTNERS = (
    ("ACTIS", SignatoryType.SOCIAL_LANDLORD, date(2005, 6, 14)),
    ("Grenoble Habitat", SignatoryType.SOCIAL_LANDLORD, date(2005, 6, 14)),
    ("Pluralis", SignatoryType.SOCIAL_LANDLORD, date(2006, 3, 2)),
    ("Société Dauphinoise pour l'Habitat", SignatoryType.SOCIAL_LANDLORD, date(2006, 3, 2)),
    ("Alpes Isère Habitat", SignatoryType.SOCIAL_LANDLORD, date(2007, 1, 18)),
    ("Gaz Électricité de Grenoble", SignatoryType.ENERGY_COMPANY, date(2005, 6, 14)),
    ("Compagnie de Chauffage Intercommunale", SignatoryType.ENERGY_COMPANY, date(2005, 6, 14)),
    ("Université Grenoble Alpes", SignatoryType.UNIVERSITY, date(2006, 10, 5)),
    ("Grenoble INP", SignatoryType.UNIVERSITY, date(2007, 5, 22)),
    ("CHU Grenoble Alpes", SignatoryType.PUBLIC_BODY, date(2007, 5, 22)),
    ("Syndicat Mixte des Mobilités de l'Aire Grenobloise", SignatoryType.PUBLIC_BODY, date(2006, 10, 5)),
    ("Département de l'Isère", SignatoryType.PUBLIC_BODY, date(2008, 2, 11)),
    ("Chambre de Commerce et d'Industrie de Grenoble", SignatoryType.PUBLIC_BODY, date(2006, 3, 2)),
    ("Schneider Electric", SignatoryType.COMPANY, date(2008, 2, 11)),
    ("STMicroelectronics", SignatoryType.COMPANY, date(2008, 9, 30)),
    ("Caisse d'Épargne Rhône Alpes", SignatoryType.COMPANY, date(2009, 4, 7)),
    ("France Nature Environnement Isère", SignatoryType.ASSOCIATION, date(2007, 1, 18)),
    ("Agence Locale de l'Énergie et du Climat", SignatoryType.ASSOCIATION, date(2005, 6, 14)),
)

# Four geographic sectors of the 49 communes, for the dashboards' "group of communes" filter. A
# plausible split for the demo (by valley and side of the agglomeration), not the Métro's official one.
DEMO_GROUPS = (
    (
        "Grenoble et cœur d'agglomération",
        ("38185", "38151", "38421", "38169", "38485", "38158", "38309", "38317", "38486"),
    ),
    (
        "Nord : Chartreuse, Néron et Grésivaudan",
        (
            "38474", "38382", "38170", "38281", "38540", "38325", "38328", "38258", "38423",
            "38229", "38516", "38126", "38471", "38472", "38179", "38533", "38271", "38150",
        ),
    ),
    (
        "Sud-Ouest : Drac et Vercors",
        ("38111", "38524", "38436", "38545", "38187", "38235", "38277", "38388", "38068", "38071", "38200"),
    ),
    (
        "Sud-Est : Vizille, Romanche et plateaux",
        ("38057", "38059", "38188", "38528", "38529", "38562", "38252", "38279", "38445", "38364", "38478"),
    ),
)  # fmt: skip

SIGNED_COMMUNES = 40
ENGAGED_STAGES = (Stage.SIGNATORY, Stage.PLAN_IN_PREPARATION, Stage.PLAN_DELIBERATED, Stage.IN_FOLLOW_UP)


def _stable_number(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _engagement(commune: Commune, rank: int) -> dict:
    """Deterministic demo engagement: the 40 largest communes signed the charter between 2005 and 2010."""
    if rank >= SIGNED_COMMUNES:
        return {"stage": Stage.NOT_SIGNATORY}
    seed = _stable_number(commune.insee_code)
    signed_on = date(2005 + seed % 6, 1 + seed % 12, 1 + seed % 28)
    return {
        "stage": ENGAGED_STAGES[seed % len(ENGAGED_STAGES)],
        "charter_signed_on": signed_on,
        "charter_start_year": 2009 if signed_on.year < 2009 else signed_on.year,
        "charter_end_year": 2014,
    }


@transaction.atomic
def demo_load(*, reset_passwords: bool = False) -> list[tuple[DemoPerson, str | None]]:
    """Loads the demo data; returns each demo person with the password set now (None when kept)."""
    result = communes_import(
        path=METRO_FILE, epci_siren=GRENOBLE_METROPOLE["siren"], epci_name=GRENOBLE_METROPOLE["name"]
    )
    territory = result.territory
    for name, value in GRENOBLE_METROPOLE_CLIMATE_PLAN.items():
        setattr(territory, name, value)
    territory.save(update_fields=list(GRENOBLE_METROPOLE_CLIMATE_PLAN))
    ranked = sorted(result.created, key=lambda commune: -(commune.population or 0))
    for rank, commune in enumerate(ranked):
        for name, value in _engagement(commune, rank).items():
            setattr(commune, name, value)
        commune.full_clean()
        commune.save()

    communes = list(Commune.objects.filter(epci=result.epci).order_by("insee_code"))
    halves = {"*half-a": communes[: len(communes) // 2], "*half-b": communes[len(communes) // 2 :]}
    by_code = {commune.insee_code: commune for commune in communes}

    people = []
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        password = None
        if user is None or reset_passwords:
            password = secrets.token_urlsafe(9)
        if user is None:
            user = User.objects.create_user(
                person.email,
                password,
                full_name=person.full_name,
                is_superuser=person.is_superuser,
                is_staff=person.is_superuser,
            )
            if person.is_officer:
                TerritoryRole.objects.create(user=user, territory=territory, role=TerritoryRoleKind.OFFICER)
            # Roles are given once, at creation: a later run must not undo what people changed since.
            Membership.objects.bulk_create(
                Membership(user=user, commune=commune, role=role)
                for target, role in person.roles
                for commune in halves.get(target) or [by_code[target]]
            )
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
        people.append((person, password))

    for name, signatory_type, signed_on in DEMO_PARTNERS:
        Signatory.objects.get_or_create(
            territory=territory,
            name=name,
            defaults={"type": signatory_type, "signed_on": signed_on, "is_demo": True},
        )
    commune_groups_demo_load(territory)
    return people


def commune_groups_demo_load(territory) -> None:
    """The demo groups of communes, marked as demo. A group that exists keeps its communes: a later
    run must not undo what administrators changed since."""
    by_code = dict(Commune.objects.filter(territory=territory).values_list("insee_code", "pk"))
    for order, (name, codes) in enumerate(DEMO_GROUPS, start=1):
        group, created = CommuneGroup.objects.get_or_create(
            territory=territory, name=name, defaults={"order": order, "is_demo": True}
        )
        if created:
            group.communes.set([by_code[code] for code in codes if code in by_code])
