"""When the council adopts a plan, its deliberation file is generated once more and frozen; every write
to what the dashboards count makes their cached figures out of date (figures_cache)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from actions.models import Action, ActionPlan, BudgetLine, CoFunder, HistoryEntry, Milestone, Theme
from actions.signals import plan_adopted
from communes.models import Agency, Commune, CommuneGroup, Membership, Territory, TerritoryRole
from communes.signals import communes_imported
from observatory.models import Carrier, Dataset, ImportBatch, RenewableSource, Sector, Target
from workgroups.models import Meeting, WorkingGroup

from . import services
from .figures_cache import figures_changed


@receiver(plan_adopted, dispatch_uid="reporting_freeze_on_adoption")
def freeze_on_adoption(sender, plan, user, **kwargs):
    # Sent after the adoption's commit; the documents' jobs are queued on their own commit, robustly
    # (services._enqueue_on_commit): a broker that is down fails them with a message, never the adoption.
    services.deliberation_freeze(plan=plan, user=user)


# What the dashboards count. HistoryEntry: every change the action services make to an action, also
# those written with an UPDATE that sends no post_save (the revision and `updated_at` of `_touch`).
COUNTED = (
    ActionPlan,
    Action,
    BudgetLine,
    CoFunder,
    Milestone,
    HistoryEntry,
    Commune,
    Membership,
    WorkingGroup,
    Meeting,
    Territory,
    TerritoryRole,
)
# What the dashboards show beside their counts, kept with them in the cache (their rendered parts): the
# themes' names, the observatory's datasets, parts, imports (provenance) and targets, the agencies serving
# each territory (the territories compared).
SHOWN = (Theme, Dataset, Sector, Carrier, RenewableSource, ImportBatch, Target, Agency)


def _changed(sender, **kwargs):
    figures_changed()


for model in (*COUNTED, *SHOWN):
    post_save.connect(_changed, sender=model, dispatch_uid=f"reporting_figures_saved_{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"reporting_figures_deleted_{model.__name__}")
m2m_changed.connect(
    _changed, sender=CommuneGroup.communes.through, dispatch_uid="reporting_figures_commune_groups"
)
m2m_changed.connect(
    _changed, sender=Agency.territories.through, dispatch_uid="reporting_figures_agency_territories"
)
communes_imported.connect(_changed, dispatch_uid="reporting_figures_communes_imported")
