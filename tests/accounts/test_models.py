import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_emails_are_stored_lowercase_and_unique_whatever_the_case():
    User.objects.create_user("Claire.Martin@Example.org", "x-password-123")
    assert User.objects.get().email == "claire.martin@example.org"
    with pytest.raises(Exception):  # noqa: B017 - full_clean's ValidationError
        User.objects.create_user("CLAIRE.MARTIN@example.org", "x-password-123")


def test_the_database_refuses_two_emails_differing_only_by_case():
    User.objects.create_user("claire@example.org", "x-password-123")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="Claire@example.org")])


def test_create_superuser_gives_administration_rights():
    user = User.objects.create_superuser("root@example.org", "x-password-123", full_name="Root")
    assert user.is_superuser and user.is_staff
