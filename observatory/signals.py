"""The observatory's values name their commune by its INSEE code: when a commune's code is corrected (or
changes, as when communes merge), its values follow it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from communes.models import Commune

from .models import Observation


@receiver(post_save, sender=Commune, dispatch_uid="observatory_commune_code_followed")
def commune_code_followed(sender, instance, created, update_fields=None, **kwargs):
    before = getattr(instance, "loaded_insee_code", None)
    if created or before is None or before == instance.insee_code:
        return
    if update_fields is not None and "insee_code" not in update_fields:
        return
    Observation.objects.filter(commune_id=before).update(commune_id=instance.insee_code)
    instance.loaded_insee_code = instance.insee_code
