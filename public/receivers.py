"""Every write to a letter or its sections replaces the public letters' version (cache.py)."""

from django.db.models.signals import post_delete, post_save

from reporting.models import Letter, LetterSection

from .cache import letters_changed


def _changed(sender, **kwargs):
    letters_changed()


for model in (Letter, LetterSection):
    post_save.connect(_changed, sender=model, dispatch_uid=f"public_letters_saved_{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"public_letters_deleted_{model.__name__}")
