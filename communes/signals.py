"""What the communes app tells the apps that read it, without knowing them."""

from django.dispatch import Signal

# Sent by communes_import once its communes are created or updated in bulk (no post_save then), with
# `communes`, the Commune objects created or updated.
communes_imported = Signal()
