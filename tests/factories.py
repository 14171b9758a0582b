import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from communes.models import (
    Commune,
    Epci,
    Invitation,
    Membership,
    Role,
    Signatory,
    SignatoryType,
    Territory,
    TerritoryRole,
    sort_key,
)
from observatory.services import metro_datasets_load, metro_targets_load

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def officer_of(obj, create, extracted, **kwargs):
        """`UserFactory(officer_of=territory)`: the territory's officer (communes.TerritoryRole)."""
        if create and extracted is not None:
            TerritoryRole.objects.create(user=obj, territory=extracted)


class TerritoryFactory(factory.django.DjangoModelFactory):
    """Grenoble-Alpes Métropole by default (get or create on the SIREN); `VOIRONNAIS` for a second one."""

    class Meta:
        model = Territory
        django_get_or_create = ("siren",)

    siren = "200040715"
    name = "Grenoble-Alpes Métropole"
    slug = factory.LazyAttribute(lambda territory: slugify(territory.name))
    climate_plan_name = "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole"
    climate_plan_year = 2020

    @factory.post_generation
    def metro_targets(obj, create, extracted, **kwargs):
        """The Métro's territory comes with the Métro's own targets, as onboarding it gives them, and the
        regional observatory's dataset (ORCAE) its officers import, as on the demo."""
        if create and obj.siren == "200040715":
            metro_targets_load(obj)
            metro_datasets_load(obj)


# The second territory of the tests: the Pays Voironnais (its real SIREN and plan).
VOIRONNAIS = {
    "siren": "243800984",
    "name": "Communauté d'agglomération du Pays Voironnais",
    "climate_plan_name": "Plan Climat Air Énergie Territorial du Pays Voironnais",
    "climate_plan_year": 2019,
}


def voironnais_territory() -> Territory:
    return TerritoryFactory(**VOIRONNAIS)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("siren",)

    siren = "200040715"
    name = "Grenoble-Alpes Métropole"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    insee_code = factory.Sequence(lambda n: f"{n % 90000 + 10000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n:03d}")
    sort_name = factory.LazyAttribute(lambda commune: sort_key(commune.name))
    population = 12000
    population_year = 2021
    territory = factory.SubFactory(TerritoryFactory)
    epci = factory.SubFactory(
        EpciFactory,
        siren=factory.SelfAttribute("..territory.siren"),
        name=factory.SelfAttribute("..territory.name"),
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    commune = factory.SubFactory(CommuneFactory)
    role = Role.REFERENT


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    commune = factory.SubFactory(CommuneFactory)
    role = Role.REFERENT
    invited_by = factory.SubFactory(UserFactory)


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Bailleur social {n}")
    type = SignatoryType.SOCIAL_LANDLORD
