"""Demonstration data: two territories onboarded as a real one is (communes.onboarding): Grenoble-Alpes
Métropole (its 49 communes, the outlines the platform ships, its agency, demo people of each role, partners)
and the Pays Voironnais (its 31 communes from the national list, the national strategy's targets by default,
its own agency, officer, advisor and referent), which shows that one territory's people see only theirs.

Idempotent: a second run changes nothing that exists (communes keep their engagement data, people keep
their passwords); it only adds what is missing. Passwords of demo people are printed once, at creation.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count

from .importers import GRENOBLE_METROPOLE, GRENOBLE_METROPOLE_CLIMATE_PLAN, METRO_FILE
from .models import (
    Commune,
    CommuneGroup,
    Membership,
    Role,
    Signatory,
    SignatoryType,
    Stage,
    Territory,
    TerritoryRole,
    TerritoryRoleKind,
)
from .onboarding import territory_onboard

User = get_user_model()

DEMO_DOMAIN = "ale-demo.example"


METRO, VOIRONNAIS = GRENOBLE_METROPOLE["siren"], "243800984"
# The agencies of the demo: the Métro's is the real one's name; the Voironnais's is made up for the demo.
AGENCIES = {
    METRO: "ALEC de la Grande Région Grenobloise",
    VOIRONNAIS: "Agence locale de l'énergie du Voironnais (démonstration)",
}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    label: str
    is_superuser: bool = False
    is_officer: bool = False  # the officer of the person's territory (communes.TerritoryRole)
    roles: tuple[tuple[str, str], ...] = ()  # (INSEE code, "*half-a" / "*half-b" / "*all", role)
    territory: str = METRO  # the SIREN of the territory the person works in


GRENOBLE, ECHIROLLES, MEYLAN = "38185", "38151", "38229"
VOIRON, VOREPPE, MOIRANS, TULLINS, RIVES = "38563", "38565", "38239", "38517", "38337"

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
    DemoPerson(
        f"nathalie.roux@{DEMO_DOMAIN}",
        "Nathalie Roux",
        "Pays Voironnais officer (second territory)",
        is_officer=True,
        territory=VOIRONNAIS,
    ),
    DemoPerson(
        f"hugo.fabre@{DEMO_DOMAIN}",
        "Hugo Fabre",
        "ALE advisor, every commune of the Pays Voironnais",
        roles=(("*all", Role.ADVISOR),),
        territory=VOIRONNAIS,
    ),
    DemoPerson(
        f"ines.mercier@{DEMO_DOMAIN}",
        "Inès Mercier",
        "energy-climate referent, Voiron",
        roles=((VOIRON, Role.REFERENT),),
        territory=VOIRONNAIS,
    ),
)

# The Pays Voironnais's engaged communes (demo): stage and charter signature, a plan for the first three.
VOIRONNAIS_ENGAGEMENT = {
    VOIRON: (Stage.IN_FOLLOW_UP, date(2019, 3, 12)),
    VOREPPE: (Stage.PLAN_DELIBERATED, date(2019, 6, 20)),
    MOIRANS: (Stage.PLAN_IN_PREPARATION, date(2020, 2, 4)),
    TULLINS: (Stage.SIGNATORY, date(2021, 9, 30)),
    RIVES: (Stage.SIGNATORY, date(2022, 1, 17)),
}

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
    metro = territory_onboard(siren=METRO, communes_file=METRO_FILE, agency_name=AGENCIES[METRO])
    territory = metro.territory
    blank = {
        name: value for name, value in GRENOBLE_METROPOLE_CLIMATE_PLAN.items() if not getattr(territory, name)
    }
    if blank:
        Territory.objects.filter(pk=territory.pk).update(**blank)
    ranked = sorted(metro.created, key=lambda commune: -(commune.population or 0))
    for rank, commune in enumerate(ranked):
        _engage(commune, _engagement(commune, rank))
    voironnais = territory_onboard(siren=VOIRONNAIS, agency_name=AGENCIES[VOIRONNAIS], is_demo=True)
    for commune in voironnais.created:
        if commune.insee_code in VOIRONNAIS_ENGAGEMENT:
            stage, signed_on = VOIRONNAIS_ENGAGEMENT[commune.insee_code]
            _engage(
                commune,
                {
                    "stage": stage,
                    "charter_signed_on": signed_on,
                    "charter_start_year": signed_on.year,
                    "charter_end_year": signed_on.year + 6,
                },
            )
    territories = {METRO: territory, VOIRONNAIS: voironnais.territory}
    agencies = {METRO: metro.agency, VOIRONNAIS: voironnais.agency}

    metro_communes = list(Commune.objects.filter(territory=territory).order_by("insee_code"))
    targets = {
        "*half-a": metro_communes[: len(metro_communes) // 2],
        "*half-b": metro_communes[len(metro_communes) // 2 :],
    }
    by_code = {
        commune.insee_code: commune for commune in Commune.objects.filter(territory__in=territories.values())
    }

    people = []
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        password = None
        if user is None or reset_passwords:
            password = secrets.token_urlsafe(9)
        is_advisor = any(role == Role.ADVISOR for _target, role in person.roles)
        if user is None:
            user = User.objects.create_user(
                person.email,
                password,
                full_name=person.full_name,
                is_superuser=person.is_superuser,
                is_staff=person.is_superuser,
                agency=agencies[person.territory] if is_advisor else None,
            )
            if person.is_officer:
                TerritoryRole.objects.create(
                    user=user, territory=territories[person.territory], role=TerritoryRoleKind.OFFICER
                )
            # Roles are given once, at creation: a later run must not undo what people changed since.
            everyone = [c for c in by_code.values() if c.territory_id == territories[person.territory].pk]
            Membership.objects.bulk_create(
                Membership(user=user, commune=commune, role=role)
                for target, role in person.roles
                for commune in (everyone if target == "*all" else targets.get(target) or [by_code[target]])
            )
        else:
            if password:
                user.set_password(password)
                user.save(update_fields=["password"])
            if is_advisor and user.agency_id is None:  # demo advisors from before agencies
                user.agency = agencies[person.territory]
                user.save(update_fields=["agency"])
        people.append((person, password))

    for name, signatory_type, signed_on in DEMO_PARTNERS:
        Signatory.objects.get_or_create(
            territory=territory,
            name=name,
            defaults={"type": signatory_type, "signed_on": signed_on, "is_demo": True},
        )
    commune_groups_demo_load(territory)
    return people


def _engage(commune: Commune, engagement: dict) -> None:
    for name, value in engagement.items():
        setattr(commune, name, value)
    commune.full_clean()
    commune.save()


def demo_territories_text() -> str:
    """The demo's territories and their communes, the Métro first (for load_demo's output)."""
    territories = {
        territory.siren: territory
        for territory in Territory.objects.filter(siren__in=[METRO, VOIRONNAIS]).annotate(
            count=Count("communes")
        )
    }
    return ", ".join(
        f"{territories[siren].name} ({territories[siren].count} communes)"
        for siren in (METRO, VOIRONNAIS)
        if siren in territories
    )


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
