import factory
from django.contrib.auth import get_user_model

from communes.models import Commune, Epci, Invitation, Membership, Role, Signatory, SignatoryType, sort_key

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


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("siren",)

    siren = "200040715"
    name = "Grenoble-Alpes Métropole"
    climate_plan_name = "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole"
    climate_plan_year = 2020
    holds_agglomeration_targets = True


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    insee_code = factory.Sequence(lambda n: f"{n % 90000 + 10000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n:03d}")
    sort_name = factory.LazyAttribute(lambda commune: sort_key(commune.name))
    population = 12000
    population_year = 2021
    epci = factory.SubFactory(EpciFactory)


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

    name = factory.Sequence(lambda n: f"Bailleur social {n}")
    type = SignatoryType.SOCIAL_LANDLORD
