"""Every permission question of the platform, one function per question.

Views, templates (through the `perms` context) and the API to come ask here, never elsewhere.
The rule for lookups: a person with no role in a commune gets 404 on its objects (they must not even
learn that the object exists); a member whose role only reads gets 403 on edits.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Q, QuerySet, Value
from django.http import Http404

from .models import Commune, Membership, Role, Territory, TerritoryRole, TerritoryRoleKind

MANAGER_ROLES = frozenset({Role.ADVISOR})


def is_administrator(user) -> bool:
    """The administrator is the one platform-wide role: every territory, every commune."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _load_roles(user) -> None:
    """The user's roles in communes (with each commune's territory) and over territories: one query (both
    tables in one compound statement, so that a page costs what it cost before territories), once per
    request (cached on the user object)."""
    roles: dict[int, set[str]] = {}
    territories: dict[int, int] = {}
    officer: set[int] = set()
    if user.is_authenticated and user.is_active:
        in_communes = Membership.objects.filter(user=user).values_list(
            "commune_id", "role", "commune__territory_id"
        )
        # A territory role reads as a row with no commune.
        over_territories = (
            TerritoryRole.objects.filter(user=user, role=TerritoryRoleKind.OFFICER)
            .annotate(no_commune=Value(None, output_field=IntegerField()))
            .values_list("no_commune", "role", "territory_id")
        )
        rows = in_communes.order_by().union(over_territories.order_by(), all=True).order_by()
        for commune_id, role, territory_id in rows:
            if commune_id is None:
                officer.add(territory_id)
                continue
            roles.setdefault(commune_id, set()).add(role)
            territories[commune_id] = territory_id
    user._pcl_commune_roles = {commune_id: frozenset(values) for commune_id, values in roles.items()}
    user._pcl_commune_territories = territories
    user._pcl_officer_territories = frozenset(officer)


def commune_roles(user) -> dict[int, frozenset[str]]:
    """The user's roles by commune id, loaded once per request (cached on the user object)."""
    if getattr(user, "_pcl_commune_roles", None) is None:
        _load_roles(user)
    return user._pcl_commune_roles


def member_territories(user) -> dict[int, int]:
    """The territory id of each commune where the user holds a role (loaded with the roles)."""
    if getattr(user, "_pcl_commune_roles", None) is None:
        _load_roles(user)
    return user._pcl_commune_territories


def officer_territory_ids(user) -> frozenset[int]:
    """The territories whose officer the user is (loaded with the roles)."""
    if getattr(user, "_pcl_commune_roles", None) is None:
        _load_roles(user)
    return user._pcl_officer_territories


def forget_roles(user) -> None:
    """Call after changing a user's memberships or territory roles within the same request."""
    for name in ("_pcl_commune_roles", "_pcl_commune_territories", "_pcl_officer_territories"):
        user.__dict__.pop(name, None)


def is_territory_officer(user, territory_id: int | None = None) -> bool:
    """Officer of that territory (of any, when None): reads its communes, manages its observatory."""
    officer = officer_territory_ids(user)
    return bool(officer) if territory_id is None else territory_id in officer


def has_territory_scope(user) -> bool:
    """Reads whole territories: the administrator, an officer."""
    return is_administrator(user) or is_territory_officer(user)


def sees_whole_territory(user, territory_id: int) -> bool:
    """Reads every commune of the territory: the administrator and the territory's officers."""
    return is_administrator(user) or is_territory_officer(user, territory_id)


def visible_territory_ids(user) -> frozenset[int] | None:
    """The territories the user has a part in (officer, or a role in one of its communes); None: all
    of them (the administrator)."""
    if is_administrator(user):
        return None
    return officer_territory_ids(user) | frozenset(member_territories(user).values())


def visible_territories(user) -> QuerySet[Territory]:
    territories = Territory.objects.all()
    ids = visible_territory_ids(user)
    return territories if ids is None else territories.filter(pk__in=ids)


def can_view_territory(user, territory_id: int | None) -> bool:
    """The territory's observatory, signatories, published letters and shared pages."""
    if territory_id is None:
        return False
    ids = visible_territory_ids(user)
    return ids is None or territory_id in ids


def advisor_territory_ids(user) -> frozenset[int]:
    """The territories where the user advises at least one commune."""
    territories = member_territories(user)
    return frozenset(
        territories[commune_id] for commune_id, roles in commune_roles(user).items() if Role.ADVISOR in roles
    )


def network_territory_ids(user) -> frozenset[int] | None:
    """The territories whose network (evaluation, letters, signatories) the user works on: officers and
    advisors; None: all of them (the administrator)."""
    if is_administrator(user):
        return None
    return officer_territory_ids(user) | advisor_territory_ids(user)


def roles_in(user, commune: Commune) -> frozenset[str]:
    return commune_roles(user).get(commune.pk, frozenset())


def communes_with_role(user, role: Role) -> list[int]:
    """The ids of the communes where the user holds `role` (from the cached roles: no query)."""
    return sorted(commune_id for commune_id, roles in commune_roles(user).items() if role in roles)


def is_advisor(user) -> bool:
    return any(Role.ADVISOR in roles for roles in commune_roles(user).values())


# --- communes -----------------------------------------------------------------------------------


def can_view_commune(user, commune: Commune) -> bool:
    # The commune's territory is read last, for an officer only: a page may ask about communes loaded
    # without it (`only()`), and reading it would cost a query per commune.
    if is_administrator(user) or roles_in(user, commune):
        return True
    return bool(officer_territory_ids(user)) and is_territory_officer(user, commune.territory_id)


def can_edit_commune(user, commune: Commune) -> bool:
    return is_administrator(user) or bool(roles_in(user, commune) & MANAGER_ROLES)


def can_assign_advisors(user) -> bool:
    return is_administrator(user)


def can_manage_members(user, commune: Commune) -> bool:
    """Invite people, revoke invitations and remove memberships."""
    return is_administrator(user) or bool(roles_in(user, commune) & MANAGER_ROLES)


def grantable_roles(user, commune: Commune) -> list[Role]:
    """The roles the user may grant in the commune (by invitation) and withdraw from its members.

    The advisor role follows `can_assign_advisors`: an advisor invites and removes the commune's
    people, not a co-advisor, whom the administrator assigns."""
    if not can_manage_members(user, commune):
        return []
    return [role for role in Role if role != Role.ADVISOR or can_assign_advisors(user)]


def can_remove_membership(user, membership: Membership) -> bool:
    return membership.role in grantable_roles(user, membership.commune)


def can_revoke_invitation(user, invitation) -> bool:
    return invitation.role in grantable_roles(user, invitation.commune)


def can_view_audit_log(user) -> bool:
    """Read and export the audit log (sign-ins, roles, invitations, publications, deletions)."""
    return is_administrator(user)


def has_any_commune(user) -> bool:
    return is_administrator(user) or is_territory_officer(user) or bool(commune_roles(user))


def can_view_portfolio(user) -> bool:
    return is_administrator(user) or is_advisor(user)


def visible_communes(user) -> QuerySet[Commune]:
    """The communes the user may open: all for the administrator, every commune of the territories they
    are an officer of, and those where they hold a role."""
    communes = Commune.objects.all()
    if is_administrator(user):
        return communes
    officer = officer_territory_ids(user)
    mine = Q(pk__in=sorted(commune_roles(user)))
    return communes.filter(mine | Q(territory_id__in=sorted(officer)) if officer else mine)


def visible_commune_filter(user, prefix: str = "commune") -> Q | None:
    """`visible_communes` as a filter on objects reached through `prefix` (None: every commune)."""
    if is_administrator(user):
        return None
    allowed = Q(**{f"{prefix}_id__in": sorted(commune_roles(user))})
    officer = officer_territory_ids(user)
    if officer:
        allowed |= Q(**{f"{prefix}__territory_id__in": sorted(officer)})
    return allowed


# --- action plans (objects of the actions app, read through their commune) ---------------------

PLAN_EDITOR_ROLES = frozenset({Role.ADVISOR, Role.REFERENT})
ACTION_UPDATER_ROLES = frozenset({Role.ADVISOR, Role.REFERENT, Role.STAFF})


def can_view_plan(user, plan) -> bool:
    return can_view_commune(user, plan.commune)


def can_create_plan(user, commune: Commune) -> bool:
    return is_administrator(user) or bool(roles_in(user, commune) & PLAN_EDITOR_ROLES)


def can_edit_plan(user, plan) -> bool:
    """Edit the plan, its axes and all its actions; move it through the workflow."""
    return can_create_plan(user, plan.commune)


def can_close_plan(user, plan) -> bool:
    """Closing a plan after its evaluation is the advisor's call."""
    return is_administrator(user) or bool(roles_in(user, plan.commune) & MANAGER_ROLES)


def can_publish_plan(user, plan) -> bool:
    """Publish an adopted plan on the public pages (and withdraw it): the commune's advisor and
    referent, the administrator (the plan's editors)."""
    return can_edit_plan(user, plan)


def can_view_actions_to_update(user) -> bool:
    """The "to update" list: for whoever keeps actions up to date in a commune (its advisor, its
    referent, a staff member responsible for actions); an elected official reads, the network roles
    follow the evaluation."""
    return any(roles & ACTION_UPDATER_ROLES for roles in commune_roles(user).values())


def can_edit_action(user, action) -> bool:
    """Plan editors edit every action; a staff member edits the actions they are responsible for."""
    if can_edit_plan(user, action.plan):
        return True
    return Role.STAFF in roles_in(user, action.plan.commune) and action.owner_id == user.pk


def can_view_catalogue(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_view_catalogue_entry(user, entry) -> bool:
    """The shared national catalogue is for everyone; a territory's own entries for its people."""
    if not can_view_catalogue(user):
        return False
    return entry.territory_id is None or can_view_territory(user, entry.territory_id)


def catalogue_territory_ids(user) -> frozenset[int] | None:
    """The territories whose own catalogue entries the user reads beside the shared ones (None: all)."""
    return visible_territory_ids(user)


def can_manage_catalogue(user, territory_id: int | None = None) -> bool:
    """Add and edit catalogue entries: the shared catalogue is the administrator's; a territory's own
    entries are also its officers' and the advisors of its communes'. With no territory named: whether
    the user manages some catalogue."""
    if is_administrator(user):
        return True
    return (
        bool(managed_catalogue_territory_ids(user))
        if territory_id is None
        else (territory_id in managed_catalogue_territory_ids(user))
    )


def managed_catalogue_territory_ids(user) -> frozenset[int]:
    """The territories whose own catalogue the user (other than the administrator) edits."""
    return officer_territory_ids(user) | advisor_territory_ids(user)


def can_edit_catalogue_entry(user, entry) -> bool:
    if entry.territory_id is None:
        return is_administrator(user)
    return can_manage_catalogue(user, entry.territory_id)


def catalogue_count_filter(user, prefix: str = "plan__commune") -> Q | None:
    """The uses a person counts in the catalogue's "communes" column, as a filter on actions (None: all,
    the administrator): those of the territories they see, never another territory's."""
    territories = visible_territory_ids(user)
    return None if territories is None else Q(**{f"{prefix}__territory_id__in": sorted(territories)})


def catalogue_use_filter(user, prefix: str = "plan__commune") -> Q | None:
    """The uses of a catalogue entry (plan actions drawn from it) the user reads, as a filter on actions
    reaching their commune through `prefix` (None: all of them, the administrator): those of the
    communes they see, and of every commune of the territories whose catalogue they edit."""
    allowed = visible_commune_filter(user, prefix)
    if allowed is None:
        return None
    managed = managed_catalogue_territory_ids(user)
    if managed:
        allowed |= Q(**{f"{prefix}__territory_id__in": sorted(managed)})
    return allowed


def require_found(allowed: bool) -> None:
    """404 for whoever may not even know the object exists."""
    if not allowed:
        raise Http404


# --- working groups ----------------------------------------------------------------------------

GROUP_EDITOR_ROLES = frozenset({Role.ADVISOR, Role.REFERENT})


def can_view_group(user, commune: Commune) -> bool:
    """Members of the commune read the group's page: its members and the list of its meetings."""
    return can_view_commune(user, commune)


def can_read_meetings(user, commune: Commune, *, is_group_member: bool) -> bool:
    """The content of meetings (minutes, decisions, documents) is for the group's members, its
    leaders and the network roles; the rest of the commune sees the list of meetings."""
    return (
        can_edit_group(user, commune)
        or is_territory_officer(user, commune.territory_id)
        or (is_group_member and can_view_commune(user, commune))
    )


def can_edit_group(user, commune: Commune) -> bool:
    """The advisor and the referent lead the group: members, meetings, minutes, documents."""
    return is_administrator(user) or bool(roles_in(user, commune) & GROUP_EDITOR_ROLES)


def can_edit_decision(user, decision) -> bool:
    """Edit or remove a meeting's decision: those who record them, the group's leaders."""
    return can_edit_group(user, decision.meeting.group.commune)


def can_view_reminders(user) -> bool:
    return is_administrator(user) or is_advisor(user)


# --- observatory ------------------------------------------------------------------------------


def can_view_observatory(user, territory_id: int | None = None) -> bool:
    """A territory's observatory is open to everyone in its network; with no territory named: whether
    the user reads some territory's."""
    if territory_id is None:
        return is_administrator(user) or bool(visible_territory_ids(user))
    return can_view_territory(user, territory_id)


def can_manage_observatory(user, territory_id: int | None = None) -> bool:
    """Import a territory's data, edit its targets: its officers and the administrator. With no territory
    named: whether the user manages some territory's (a shared dataset is the administrator's)."""
    if is_administrator(user):
        return True
    return is_territory_officer(user, territory_id)


def managed_observatory_territory_ids(user) -> frozenset[int] | None:
    """The territories whose observatory the user manages (None: all, the administrator)."""
    return None if is_administrator(user) else officer_territory_ids(user)


def can_manage_dataset(user, dataset) -> bool:
    """Import into a dataset: the shared ones (no territory) are the administrator's."""
    if dataset.territory_id is None:
        return is_administrator(user)
    return can_manage_observatory(user, dataset.territory_id)


# --- reporting -------------------------------------------------------------------------------


def can_view_network_dashboard(user, territory_id: int | None = None) -> bool:
    """A territory's network evaluation: its officers, the advisors of its communes, the administrator.
    With no territory named: whether the user reads some territory's."""
    territories = network_territory_ids(user)
    if territories is None:
        return True
    return bool(territories) if territory_id is None else territory_id in territories


def can_view_commune_dashboard(user, commune: Commune) -> bool:
    return can_view_commune(user, commune)


def can_generate_commune_documents(user, commune: Commune) -> bool:
    """Deliberation files and the commune's yearly report: anyone of the commune (an élu included)
    and the network roles; generating reads the plan, it changes nothing."""
    return can_view_commune(user, commune)


def can_view_commune_documents(user, commune: Commune) -> bool:
    return can_view_commune(user, commune)


def can_generate_network_documents(user, territory_id: int | None = None) -> bool:
    return can_view_network_dashboard(user, territory_id)


def network_detail_commune_ids(user, territory_id: int) -> list[int] | None:
    """The communes of the territory whose detail (plan titles, deliberation numbers, actions, awareness
    comments) the user reads in its network's evaluation: those they may open (`can_view_commune`), as
    the network dashboard links them; the other communes are only counted. None: every commune of the
    territory. Sorted, so that it names a document's scope (a network report made for one scope is for
    that scope only)."""
    if sees_whole_territory(user, territory_id):
        return None
    territories = member_territories(user)
    return sorted(commune_id for commune_id in commune_roles(user) if territories[commune_id] == territory_id)


def can_manage_letters(user, territory_id: int | None = None) -> bool:
    """Assemble, edit and publish a territory's Lettre du Plan Climat: its officers, the advisors of its
    communes, the administrator. With no territory named: whether the user writes some territory's."""
    return can_view_network_dashboard(user, territory_id)


def can_read_letter(user, letter) -> bool:
    """Published letters are for the territory's whole network; drafts for those who write them."""
    if not (user.is_authenticated and user.is_active):
        return False
    if letter.is_published:
        return can_view_territory(user, letter.territory_id)
    return can_manage_letters(user, letter.territory_id)


class DocumentAudience(StrEnum):
    """Who a generated document is for. The reporting app gives each of its document kinds an
    audience (`GeneratedDocument.audience`, and the `kind_audience` annotation of its queries); the
    rules below ask the audience, never the kind: they stay in this module, which imports no app
    built on communes."""

    COMMUNE = "commune"  # the people of its commune, and the network roles
    NETWORK = "network"  # the network roles that read the detail of the communes it details
    LETTER = "letter"  # the whole network once its letter is published, its writers before


def visible_documents_filter(user) -> Q | None:
    """The generated documents `can_view_document` lets the user see, as a filter on documents
    annotated with `kind_audience` and `letter_is_published` (None: all of them)."""
    if is_administrator(user):
        return None
    commune = Q(commune_id__in=sorted(commune_roles(user)))
    officer = officer_territory_ids(user)
    if officer:
        commune |= Q(territory_id__in=sorted(officer))
    allowed = Q(kind_audience=DocumentAudience.COMMUNE) & commune
    published = Q(kind_audience=DocumentAudience.LETTER, letter_is_published=True)
    allowed |= published & Q(territory_id__in=sorted(visible_territory_ids(user)))
    network = sorted(network_territory_ids(user))
    allowed |= Q(kind_audience=DocumentAudience.LETTER, territory_id__in=network)
    for territory_id in network:
        # As `can_view_document`: whoever reads the whole territory reads every network document of it;
        # the others those made for exactly the communes they read.
        of_territory = Q(kind_audience=DocumentAudience.NETWORK, territory_id=territory_id)
        detail = network_detail_commune_ids(user, territory_id)
        allowed |= of_territory if detail is None else of_territory & Q(detail_communes=detail)
    return allowed


def can_view_document(user, document) -> bool:
    """Who may see a generated document and download it."""
    if document.audience == DocumentAudience.NETWORK:
        # A network document details the communes of the person it was made for (`detail_communes`,
        # None: all of them): it is for the people who read exactly those, and for whoever reads all.
        territory_id = document.territory_id
        return can_generate_network_documents(user, territory_id) and (
            sees_whole_territory(user, territory_id)
            or document.detail_communes == network_detail_commune_ids(user, territory_id)
        )
    if document.audience == DocumentAudience.LETTER:
        return document.letter is not None and can_read_letter(user, document.letter)
    return document.commune is not None and can_view_commune_documents(user, document.commune)


def can_retry_job(user, requested_by_id: int | None) -> bool:
    """A failed or stuck background job (an import, a document) is tried again by whoever asked for it."""
    return bool(user.is_authenticated and user.is_active and requested_by_id == user.pk)


def can_compare_territories(user) -> bool:
    """The platform-wide view comparing every territory (and its CSV): the administrator's only."""
    return is_administrator(user)


# --- signatories --------------------------------------------------------------------------------


def can_view_signatories(user, territory_id: int | None = None) -> bool:
    """A territory's charter signatories are read by its network; with no territory named: whether the
    user reads some territory's."""
    if territory_id is None:
        return is_administrator(user) or bool(visible_territory_ids(user))
    return can_view_territory(user, territory_id)


def can_edit_signatories(user, territory_id: int | None = None) -> bool:
    """Its officers, the advisors of its communes, the administrator."""
    return can_view_network_dashboard(user, territory_id)


# --- lookups ------------------------------------------------------------------------------------


def commune_for_user(user, insee_code: str) -> Commune:
    """The commune the user may see, or 404 whether it does not exist or is not theirs."""
    commune = Commune.objects.select_related("epci", "territory").filter(insee_code=insee_code).first()
    if commune is None or not can_view_commune(user, commune):
        raise Http404("No such commune.")
    return commune


def require(allowed: bool) -> None:
    """403 for a member who may read but not do this."""
    if not allowed:
        raise PermissionDenied
