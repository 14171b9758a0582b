"""`manage.py load_demo` (in reporting, which loads each app's demo in order): loaded twice without harm.

The demo is loaded once for the module (`demo`, undone after it): loading 49 communes' plans and series
takes seconds, and each test's own changes are rolled back as usual."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from actions.models import ADOPTED_STATUSES, ActionPlan
from communes.models import Commune, Membership, Role, Signatory
from observatory.models import Observation
from reporting.models import GeneratedDocument, Letter
from workgroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> str:
    """`load_demo` run once on an empty database; what it printed. Undone after the module's tests."""
    # The fast hasher of `fast_test_settings` (function-scoped), for the passwords the tests check.
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with fast_hasher, django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        call_command("load_demo", stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


def test_demo_loads_the_49_communes_people_of_each_role_and_58_signatories(demo):
    output = demo
    assert Commune.objects.count() == 49
    assert Commune.objects.filter(charter_signed_on__isnull=False).count() + Signatory.objects.count() == 58
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.ADVISOR, Role.REFERENT, Role.STAFF, Role.ELECTED}
    assert (
        User.objects.filter(is_superuser=True).exists()
        and User.objects.filter(territory_roles__isnull=False).exists()
    )
    assert Membership.objects.filter(role=Role.ADVISOR).values("commune").distinct().count() == 49
    # Every demo person's password is printed once, and it works.
    lines = [line.split() for line in output.splitlines() if "@ale-demo.example" in line]
    assert len(lines) == User.objects.count()
    email, password = lines[0][0], lines[0][1]
    assert User.objects.get(email=email).check_password(password)


def test_demo_load_is_idempotent_and_keeps_changes(demo, capsys):
    Commune.objects.filter(insee_code="38185").update(population=1)
    Membership.objects.filter(role=Role.STAFF).delete()
    counts = (
        Commune.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Signatory.objects.count(),
    )
    capsys.readouterr()
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "already exist" in output and "@ale-demo.example" not in output
    assert (
        Commune.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Signatory.objects.count(),
    ) == counts
    # Reference figures come back from the file; people's edits stay.
    assert Commune.objects.get(insee_code="38185").population == 156389
    assert not Membership.objects.filter(role=Role.STAFF).exists()


def test_demo_loads_every_apps_part_and_adopts_plans_without_generating_files(demo):
    assert ActionPlan.objects.filter(status__in=ADOPTED_STATUSES).exists()
    assert Observation.objects.exists() and WorkingGroup.objects.exists() and Letter.objects.exists()
    # The demo adopts its plans with announce=False: their files are made on first request.
    assert not GeneratedDocument.objects.filter(is_frozen=True).exists()
