"""Every permission question of the platform, one function per question.

Views, templates (through the `perms` context) and the API to come ask here, never elsewhere.
The rule for lookups: a person with no role in a commune gets 404 on its objects (they must not even
learn that the object exists); a member whose role only reads gets 403 on edits.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Commune, Membership, Role

MANAGER_ROLES = frozenset({Role.ADVISOR})


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_metro_officer(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_metro_officer)


def sees_every_commune(user) -> bool:
    return is_administrator(user) or is_metro_officer(user)


def commune_roles(user) -> dict[int, frozenset[str]]:
    """The user's roles by commune id, loaded once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_pcl_commune_roles", None)
    if cached is None:
        roles: dict[int, set[str]] = {}
        for commune_id, role in Membership.objects.filter(user=user).values_list("commune_id", "role"):
            roles.setdefault(commune_id, set()).add(role)
        cached = {commune_id: frozenset(values) for commune_id, values in roles.items()}
        user._pcl_commune_roles = cached
    return cached


def forget_roles(user) -> None:
    """Call after changing a user's memberships within the same request."""
    user.__dict__.pop("_pcl_commune_roles", None)


def roles_in(user, commune: Commune) -> frozenset[str]:
    return commune_roles(user).get(commune.pk, frozenset())


def communes_with_role(user, role: Role) -> list[int]:
    """The ids of the communes where the user holds `role` (from the cached roles: no query)."""
    return sorted(commune_id for commune_id, roles in commune_roles(user).items() if role in roles)


def is_advisor(user) -> bool:
    return any(Role.ADVISOR in roles for roles in commune_roles(user).values())


# --- communes -----------------------------------------------------------------------------------


def can_view_commune(user, commune: Commune) -> bool:
    return sees_every_commune(user) or bool(roles_in(user, commune))


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
    return sees_every_commune(user) or bool(commune_roles(user))


def can_view_portfolio(user) -> bool:
    return is_administrator(user) or is_advisor(user)


def visible_communes(user) -> QuerySet[Commune]:
    communes = Commune.objects.all()
    if sees_every_commune(user):
        return communes
    return communes.filter(pk__in=list(commune_roles(user)))


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


def can_manage_catalogue(user) -> bool:
    return is_administrator(user) or is_advisor(user)


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
        or is_metro_officer(user)
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


def can_view_observatory(user) -> bool:
    """The agglomeration's observatory is open to everyone in the network."""
    return bool(user.is_authenticated and user.is_active)


def can_manage_observatory(user) -> bool:
    """Import data, edit targets."""
    return is_administrator(user) or is_metro_officer(user)


# --- reporting -------------------------------------------------------------------------------


def can_view_network_dashboard(user) -> bool:
    """The network's evaluation: advisors, the Métro's officers, administrators."""
    return is_administrator(user) or is_metro_officer(user) or is_advisor(user)


def can_view_commune_dashboard(user, commune: Commune) -> bool:
    return can_view_commune(user, commune)


def can_generate_commune_documents(user, commune: Commune) -> bool:
    """Deliberation files and the commune's yearly report: anyone of the commune (an élu included)
    and the network roles; generating reads the plan, it changes nothing."""
    return can_view_commune(user, commune)


def can_view_commune_documents(user, commune: Commune) -> bool:
    return can_view_commune(user, commune)


def can_generate_network_documents(user) -> bool:
    return can_view_network_dashboard(user)


def network_detail_commune_ids(user) -> list[int] | None:
    """The communes whose detail (plan titles, deliberation numbers, actions, awareness comments) the
    user reads in the network's evaluation: those they may open (`can_view_commune`), as the network
    dashboard links them; the other communes are only counted. None: every commune. Sorted, so that
    it names a document's scope (a network report made for one scope is for that scope only)."""
    if sees_every_commune(user):
        return None
    return sorted(commune_roles(user))


def can_manage_letters(user) -> bool:
    """Assemble, edit and publish the Lettre du Plan Climat."""
    return is_administrator(user) or is_metro_officer(user) or is_advisor(user)


def can_read_letter(user, letter) -> bool:
    """Published letters are for the whole network; drafts for those who write them."""
    if not (user.is_authenticated and user.is_active):
        return False
    return letter.is_published or can_manage_letters(user)


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
    if sees_every_commune(user):
        return None
    allowed = Q(kind_audience=DocumentAudience.COMMUNE, commune_id__in=list(commune_roles(user)))
    allowed |= Q(kind_audience=DocumentAudience.LETTER, letter_is_published=True)
    if can_generate_network_documents(user):
        allowed |= Q(kind_audience=DocumentAudience.NETWORK, detail_communes=network_detail_commune_ids(user))
    if can_manage_letters(user):
        allowed |= Q(kind_audience=DocumentAudience.LETTER)
    return allowed


def can_view_document(user, document) -> bool:
    """Who may see a generated document and download it."""
    if document.audience == DocumentAudience.NETWORK:
        # A network document details the communes of the person it was made for (`detail_communes`,
        # None: all of them): it is for the people who read exactly those, and for whoever reads all.
        return can_generate_network_documents(user) and (
            sees_every_commune(user) or document.detail_communes == network_detail_commune_ids(user)
        )
    if document.audience == DocumentAudience.LETTER:
        return document.letter is not None and can_read_letter(user, document.letter)
    return document.commune is not None and can_view_commune_documents(user, document.commune)


def can_retry_job(user, requested_by_id: int | None) -> bool:
    """A failed or stuck background job (an import, a document) is tried again by whoever asked for it."""
    return bool(user.is_authenticated and user.is_active and requested_by_id == user.pk)


# --- signatories --------------------------------------------------------------------------------


def can_view_signatories(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_edit_signatories(user) -> bool:
    return is_administrator(user) or is_metro_officer(user) or is_advisor(user)


# --- lookups ------------------------------------------------------------------------------------


def commune_for_user(user, insee_code: str) -> Commune:
    """The commune the user may see, or 404 whether it does not exist or is not theirs."""
    commune = Commune.objects.select_related("epci").filter(insee_code=insee_code).first()
    if commune is None or not can_view_commune(user, commune):
        raise Http404("No such commune.")
    return commune


def require(allowed: bool) -> None:
    """403 for a member who may read but not do this."""
    if not allowed:
        raise PermissionDenied
