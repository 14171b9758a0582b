from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes import permissions
from communes.models import Commune
from communes.selectors import advisor_communes
from pcl.pagination import paginate
from pcl.uploads import attachment_response, content_type_of

from . import calendar, documents, selectors, services
from .forms import DecisionForm, DocumentForm, GroupForm, MeetingForm, MemberForm
from .models import Decision, GroupMember, Meeting, MeetingDocument, Reminder, WorkingGroup

User = get_user_model()


def _group_for(user, insee_code, *, edit=False) -> tuple[Commune, WorkingGroup | None]:
    commune = permissions.commune_for_user(user, insee_code)
    if edit:
        permissions.require(permissions.can_edit_group(user, commune))
    return commune, WorkingGroup.objects.filter(commune=commune).first()


def _meeting_for(user, meeting_id, *, edit=False) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("group__commune"), pk=meeting_id)
    _require_meeting_access(user, meeting.group, edit=edit)
    return meeting


def _require_meeting_access(user, group, *, edit=False) -> None:
    """404 outside the commune, 403 for the commune's people outside the group (they see the list)."""
    commune = group.commune
    permissions.require_found(permissions.can_view_group(user, commune))
    if edit:
        permissions.require(permissions.can_edit_group(user, commune))
    elif not permissions.can_edit_group(user, commune):
        member = selectors.is_current_member(group=group, user=user)
        permissions.require(permissions.can_read_meetings(user, commune, is_group_member=member))


@login_required
def group(request, insee_code):
    user = request.user
    commune, _group = _group_for(user, insee_code)
    page = selectors.group_page(commune=commune)
    can_edit = permissions.can_edit_group(user, commune)
    is_member = bool(page.group) and any(member.user_id == user.pk for member in page.current_members)
    return render(
        request,
        "workgroups/group.html",
        {
            "commune": commune,
            "page": page,
            "can_edit": can_edit,
            "can_read_meetings": permissions.can_read_meetings(user, commune, is_group_member=is_member),
            "feed_url": request.build_absolute_uri(
                reverse("workgroups:calendar", args=[calendar.feed_token(user=user, commune=commune)])
            ),
        },
    )


@login_required
@require_POST
def group_setup(request, insee_code):
    commune, _group = _group_for(request.user, insee_code, edit=True)
    try:
        services.group_setup(commune=commune, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The working group was set up with the commune's advisors and referents.")
        )
    return redirect("workgroups:group", commune.insee_code)


@login_required
def group_edit(request, insee_code):
    commune, group = _group_for(request.user, insee_code, edit=True)
    if group is None:
        raise Http404
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The working group was saved."))
        return redirect("workgroups:group", commune.insee_code)
    return render(
        request, "workgroups/form.html", {"commune": commune, "form": form, "title": _("The group")}
    )


@login_required
def member_edit(request, insee_code, member_id=None):
    commune, group = _group_for(request.user, insee_code, edit=True)
    if group is None:
        raise Http404
    member = (
        get_object_or_404(GroupMember, pk=member_id, group=group) if member_id else GroupMember(group=group)
    )
    form = MemberForm(request.POST or None, instance=member, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_save(member=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The composition of the group was saved."))
            return redirect("workgroups:group", commune.insee_code)
    title = _("Edit a member") if member_id else _("Add a member")
    return render(request, "workgroups/form.html", {"commune": commune, "form": form, "title": title})


@login_required
def meeting_edit(request, insee_code=None, meeting_id=None):
    """Plans a meeting (insee_code) or edits one (meeting_id), minutes and attendees included."""
    user = request.user
    if meeting_id:
        meeting = _meeting_for(user, meeting_id, edit=True)
        group, commune = meeting.group, meeting.group.commune
    else:
        commune, group = _group_for(user, insee_code, edit=True)
        if group is None:
            raise Http404
        meeting = Meeting(group=group)
    form = MeetingForm(request.POST or None, instance=meeting, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_save(meeting=form.instance, attendees=form.cleaned_data["attendees"], user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("workgroups:meeting", meeting.pk)
    title = _("Edit the meeting") if meeting_id else _("Plan a meeting")
    return render(request, "workgroups/meeting_form.html", {"commune": commune, "form": form, "title": title})


@login_required
def meeting(request, meeting_id):
    user = request.user
    meeting = selectors.meeting_page(meeting=_meeting_for(user, meeting_id))
    commune = meeting.group.commune
    can_edit = permissions.can_edit_group(user, commune)
    return render(
        request,
        "workgroups/meeting.html",
        {
            "meeting": meeting,
            "commune": commune,
            "can_edit": can_edit,
            "decision_form": DecisionForm(commune=commune) if can_edit else None,
            "document_form": DocumentForm() if can_edit else None,
        },
    )


@login_required
@require_POST
def decision_add(request, meeting_id):
    meeting = _meeting_for(request.user, meeting_id, edit=True)
    form = DecisionForm(request.POST, commune=meeting.group.commune)
    if form.is_valid():
        try:
            services.decision_save(
                decision=Decision(meeting=meeting, text=form.cleaned_data["text"]),
                actions=form.cleaned_data["actions"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision was recorded."))
    elif "text" in form.errors:
        messages.error(request, _("A decision needs a text."))
    else:
        messages.error(
            request,
            " ".join(
                _("%(field)s: %(errors)s") % {"field": form.fields[name].label, "errors": " ".join(errors)}
                for name, errors in form.errors.items()
            ),
        )
    return redirect("workgroups:meeting", meeting.pk)


def _decision_for(user, decision_id) -> Decision:
    """A decision to edit or remove: 404 outside the commune, 403 for who may only read it."""
    decision = get_object_or_404(Decision.objects.select_related("meeting__group__commune"), pk=decision_id)
    _require_meeting_access(user, decision.meeting.group)
    permissions.require(permissions.can_edit_decision(user, decision))
    return decision


@login_required
def decision_edit(request, decision_id):
    decision = _decision_for(request.user, decision_id)
    meeting = decision.meeting
    commune = meeting.group.commune
    form = DecisionForm(request.POST or None, instance=decision, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_save(
                decision=form.instance, actions=form.cleaned_data["actions"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision was saved."))
            return redirect(f"{reverse('workgroups:meeting', args=[meeting.pk])}#decisions")
    return render(
        request,
        "workgroups/decision_form.html",
        {"commune": commune, "meeting": meeting, "decision": decision, "form": form},
    )


@login_required
def decision_delete(request, decision_id):
    """A confirmation page (GET); the removal itself is a POST."""
    decision = _decision_for(request.user, decision_id)
    meeting = decision.meeting
    if request.method == "POST":
        services.decision_delete(decision=decision, user=request.user)
        messages.success(request, _("The decision was removed; the meeting's history keeps what it said."))
        return redirect(f"{reverse('workgroups:meeting', args=[meeting.pk])}#decisions")
    return render(
        request,
        "workgroups/decision_delete.html",
        {"commune": meeting.group.commune, "meeting": meeting, "decision": decision},
    )


@login_required
@require_POST
def document_add(request, meeting_id):
    meeting = _meeting_for(request.user, meeting_id, edit=True)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("workgroups:meeting", meeting.pk)
    try:
        services.document_add(meeting=meeting, upload=form.cleaned_data["file"], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The document was attached."))
    return redirect("workgroups:meeting", meeting.pk)


@login_required
def document(request, document_id):
    document = get_object_or_404(
        MeetingDocument.objects.select_related("meeting__group__commune"), pk=document_id
    )
    _require_meeting_access(request.user, document.meeting.group)
    return attachment_response(
        document.file.open("rb"),
        filename=document.name,
        content_type=content_type_of(document.file.name, services.DOCUMENT_TYPES),
    )


@login_required
def minutes_pdf(request, meeting_id):
    meeting = selectors.meeting_page(meeting=_meeting_for(request.user, meeting_id))
    pdf = documents.minutes_pdf(meeting=meeting, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="compte-rendu-{slugify(meeting.group.commune.name)}-{day}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def calendar_feed(request, token):
    """The .ics feed behind a signed address: one commune's group, or all of an advisor's communes."""
    claims = calendar.feed_from_token(token)
    user = User.objects.filter(pk=claims["u"], is_active=True).first() if claims else None
    if user is None:
        raise Http404
    if claims["c"]:
        commune = get_object_or_404(Commune, pk=claims["c"])
        permissions.require_found(permissions.can_view_group(user, commune))
        communes, name = [commune], _("PCL working group — %(commune)s") % {"commune": commune}
    else:
        communes = list(advisor_communes(advisor=user))
        name = _("PCL working groups — %(name)s") % {"name": user.get_full_name()}
    meetings = selectors.meetings_for_calendar(communes=communes)
    # The feed asks the meeting page's question: whoever would get a 403 on a meeting's page gets it
    # as busy time only, as the group's list of meetings shows it to them (no agenda, no video link).
    member_of = selectors.current_member_group_ids(user=user, communes=communes)
    readable = {
        meeting.pk
        for meeting in meetings
        if permissions.can_read_meetings(
            user, meeting.group.commune, is_group_member=meeting.group_id in member_of
        )
    }
    return HttpResponse(
        calendar.ics(meetings=meetings, name=name, readable=readable),
        content_type="text/calendar; charset=utf-8",
    )


@login_required
def reminders(request):
    user = request.user
    permissions.require(permissions.can_view_reminders(user))
    communes = permissions.visible_communes(user)
    return render(
        request,
        "workgroups/reminders.html",
        {
            **paginate(
                request,
                Reminder.objects.filter(commune__in=communes)
                .select_related("commune")
                .order_by("-sent_at", "-pk"),
            ),
            "feed_url": request.build_absolute_uri(
                reverse("workgroups:calendar", args=[calendar.feed_token(user=user)])
            ),
        },
    )
