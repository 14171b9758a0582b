"""`manage.py load_demo` (in reporting, which loads each app's demo in order): loaded twice without harm."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actions.models import ADOPTED_STATUSES, ActionPlan
from communes.models import Commune, Membership, Role, Signatory
from observatory.models import Observation
from reporting.models import GeneratedDocument, Letter
from workgroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_demo_loads_the_49_communes_people_of_each_role_and_58_signatories(capsys):
    call_command("load_demo")
    output = capsys.readouterr().out
    assert Commune.objects.count() == 49
    assert Commune.objects.filter(charter_signed_on__isnull=False).count() + Signatory.objects.count() == 58
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.ADVISOR, Role.REFERENT, Role.STAFF, Role.ELECTED}
    assert (
        User.objects.filter(is_superuser=True).exists()
        and User.objects.filter(is_metro_officer=True).exists()
    )
    assert Membership.objects.filter(role=Role.ADVISOR).values("commune").distinct().count() == 49
    # Every demo person's password is printed once, and it works.
    lines = [line.split() for line in output.splitlines() if "@ale-demo.example" in line]
    assert len(lines) == User.objects.count()
    email, password = lines[0][0], lines[0][1]
    assert User.objects.get(email=email).check_password(password)


def test_demo_load_is_idempotent_and_keeps_changes(capsys):
    call_command("load_demo")
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


def test_demo_loads_every_apps_part_and_adopts_plans_without_generating_files(capsys):
    call_command("load_demo")
    assert ActionPlan.objects.filter(status__in=ADOPTED_STATUSES).exists()
    assert Observation.objects.exists() and WorkingGroup.objects.exists() and Letter.objects.exists()
    # The demo adopts its plans with announce=False: their files are made on first request.
    assert not GeneratedDocument.objects.filter(is_frozen=True).exists()
