"""What the communes app tells the apps that read it, without knowing them."""

from django.dispatch import Signal

# Sent by communes_import once its communes are created or updated in bulk (no post_save then), with
# `communes`, the Commune objects created or updated.
communes_imported = Signal()

# Sent by communes.onboarding.territory_onboard once a territory, its communes and outlines are in place
# (in its transaction), with `territory`. A receiver returns the sentences (str) that the onboarding's summary
# should show of what it did, e.g. the observatory setting the national strategy's targets by default.
territory_onboarded = Signal()
