"""La Lettre du Plan Climat: assemble an issue from the period's highlights, edit it, publish it,
send it to the network. Writes (services) first, reads (selectors) after.

Each territory has its own letter (`Territory.letter_title`, numbered on its own): an issue's highlights
read only the territory's communes, plans, meetings and observatory, and it is sent to the territory's
network only.

What counts as a highlight of the period (from `period_start` to `period_end`, both included):
- a plan *deliberated* in the period: adopted (deliberated, in follow-up or closed) with its council
  date in the period;
- an action *completed* in the period: status "done" with its end date in the period; an action done
  with no end date counts when it was last updated in the period (the day it was marked done, as far
  as the platform knows). Only the actions of each commune's followed plan count
  (`actions.selectors.followed_plans`, as in the dashboards and the yearly reports), so an action
  carried over to a new plan version is listed once;
- observatory news: imports finished in the period and, when the dataset shown first was among them,
  the territory's change since the reference year in it (news only when new figures came in),
  under the observatory's rule of totals: a change only between years when every commune has values,
  with that coverage; a later partial year as a sum labelled partial with its coverage;
- working groups: meetings held in the period (on a day of it, and not in the future), summarised
  rather than listed: how many meetings in how many communes with how many decisions, the count of
  each commune (the busiest ones named), and a few of the latest decisions.

Nothing dated before or after the period is listed: the letter tells what happened in its period.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AuditAction
from accounts.services import audit_record
from actions import selectors as actions_selectors
from actions.models import Action
from communes import permissions
from communes import selectors as communes_selectors
from communes.models import sort_key
from observatory import selectors as observatory_selectors
from observatory.models import Dataset
from pcl import jobs
from pcl.formatting import date_text, list_text, number, percent, quantity, year_label
from workgroups import selectors as workgroups_selectors

from . import tasks
from .models import DocumentStatus, GeneratedDocument, Letter, LetterSection, LetterStatus

# How much of the period's meetings the letter names: the busiest communes, the latest decisions.
NAMED_COMMUNES = 8
HIGHLIGHTED_DECISIONS = 3


@dataclass
class Highlight:
    heading: str
    items: list[str]

    @property
    def body(self) -> str:
        return "\n".join(f"- {item}" for item in self.items)


# --- services -----------------------------------------------------------------------------------


def _next_number(territory) -> int:
    return (Letter.objects.filter(territory=territory).aggregate(last=Max("number"))["last"] or 0) + 1


def letter_assemble(
    *,
    territory,
    period_start: date,
    period_end: date,
    user,
    title: str | None = None,
    editorial: str = "",
) -> Letter:
    """A new draft issue of the territory's letter, numbered after its last one, with its editorial (when
    written already) and one section per kind of highlight."""
    with translation.override(settings.LANGUAGE_CODE):
        for attempt in range(3):
            try:
                with transaction.atomic():
                    return _assemble(territory, period_start, period_end, user, title, editorial)
            except IntegrityError:  # someone took the number meanwhile: take the next one
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def _assemble(
    territory, period_start: date, period_end: date, user, title: str | None, editorial: str
) -> Letter:
    letter = Letter(
        territory=territory,
        number=_next_number(territory),
        title=(title or "").strip()
        or _("From %(start)s to %(end)s") % {"start": date_text(period_start), "end": date_text(period_end)},
        editorial=editorial.replace("\r\n", "\n").strip(),
        period_start=period_start,
        period_end=period_end,
        created_by=user,
    )
    letter.full_clean(exclude=["number"])
    letter.save()
    highlights = letter_highlights(territory=territory, period_start=period_start, period_end=period_end)
    LetterSection.objects.bulk_create(
        LetterSection(letter=letter, order=index, heading=highlight.heading, body=highlight.body)
        for index, highlight in enumerate(highlights, start=1)
    )
    return letter


def _require_draft(letter: Letter) -> None:
    if letter.is_published:
        raise ValidationError(_("This letter is published: it can no longer be changed."), code="published")


@transaction.atomic
def letter_update(*, letter: Letter, title: str, editorial: str, sections: list[dict], user) -> Letter:
    """Saves a draft: its title, editorial and sections, in the order given.

    `sections` are `{"id": <id or None>, "heading": ..., "body": ...}`; sections of the letter that
    are not listed are removed, listed ones without an id are added.
    """
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_draft(letter)
    letter.title = title.strip()
    letter.editorial = editorial.replace("\r\n", "\n").strip()
    letter.full_clean()
    letter.save()
    existing = {section.pk: section for section in letter.sections.all()}
    kept = set()
    for order, data in enumerate(sections, start=1):
        section_id = data.get("id")
        if section_id is not None and section_id not in existing:
            raise ValidationError(_("This section does not belong to the letter."), code="foreign_section")
        section = existing.get(section_id) or LetterSection(letter=letter)
        section.order = order
        section.heading = data["heading"].strip()
        section.body = data.get("body", "").replace("\r\n", "\n").strip()
        section.full_clean()
        section.save()
        kept.add(section.pk)
    LetterSection.objects.filter(letter=letter).exclude(pk__in=kept).delete()
    return letter


@transaction.atomic
def letter_publish(*, letter: Letter, user) -> Letter:
    """Publishes the issue: the network reads it, and it is no longer edited."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _require_draft(letter)
    if not letter.editorial and not letter.sections.exists():
        raise ValidationError(_("An empty letter cannot be published: write an editorial or a section."))
    letter.status = LetterStatus.PUBLISHED
    letter.published_at = timezone.now()
    letter.published_by = user
    letter.full_clean()
    letter.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        action=AuditAction.PUBLISHED,
        actor=user,
        target=str(letter),
        details={"object": "letter", "id": letter.pk},
    )
    return letter


@transaction.atomic
def letter_send(*, letter: Letter, user) -> Letter:
    """Queues the emailing of a published letter to the network, once."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if not letter.is_published:
        raise ValidationError(_("Publish the letter before sending it."), code="draft")
    if letter.is_sent and not letter.sending_stuck:
        raise ValidationError(
            _("This letter was already sent on %(date)s.") % {"date": date_text(letter.sent_at)},
            code="sent",
        )
    jobs.require_queue()
    letter.sent_at = timezone.now()
    letter.sent_by = user
    letter.full_clean()
    letter.save(update_fields=["sent_at", "sent_by", "updated_at"])
    letter_id = letter.pk

    def enqueue() -> None:
        # A broker that cannot take the job leaves the letter unsent: it can be sent again at once.
        jobs.enqueue(
            tasks.letter_email_task,
            letter_id,
            on_failure=lambda: Letter.objects.filter(pk=letter_id, recipient_count__isnull=True).update(
                sent_at=None, sent_by=None
            ),
        )

    transaction.on_commit(enqueue, robust=True)
    return letter


def letter_email_job(*, letter_id: int) -> int:
    """The emailing job: sends a letter asked for and not handed over yet; a second delivery of the
    job, once the mail is handed over, sends nothing."""
    letter = Letter.objects.filter(pk=letter_id, sent_at__isnull=False, recipient_count__isnull=True).first()
    return letter_email_send(letter=letter) if letter is not None else 0


def letter_email_send(*, letter: Letter) -> int:
    """Emails the letter to every recipient (one message each: addresses are not shared) and records
    how many it was sent to, once the mail server has taken them: a job lost before that leaves the
    letter unsent (`Letter.sending_stuck`), to be sent again. A second run of the same job sends nothing."""
    if letter.recipient_count is not None:
        return 0
    letter = letter_with_sections(letter_id=letter.pk)
    emails = letter_recipients(territory=letter.territory)
    link = settings.SITE_URL + reverse("reporting:letter", args=[letter.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = letter_email_subject(letter)
        context = {
            "letter": letter,
            "sections": list(letter.sections.all()),
            "link": link,
            "subject": subject,
        }
        text = render_to_string("reporting/email/letter.txt", context)
        html = render_to_string("reporting/email/letter.html", context)
    messages = []
    for email in emails:
        message = EmailMultiAlternatives(subject, text, to=[email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    with mailers.default as connection:
        connection.send_messages(messages)
    Letter.objects.filter(pk=letter.pk).update(recipient_count=len(emails))
    return len(emails)


def letter_email_subject(letter: Letter) -> str:
    """ "La Lettre du Plan Climat no. 4: …", under the territory's own title of its letter."""
    return _("%(letter_title)s no. %(number)s: %(title)s") % {
        "letter_title": letter.territory.letter_title,
        "number": letter.number,
        "title": letter.title,
    }


# --- selectors ----------------------------------------------------------------------------------


def letter_highlights(*, territory, period_start: date, period_end: date) -> list[Highlight]:
    """The territory's highlights of the period, as sections to edit (empty kinds are left out)."""
    candidates = [
        Highlight(
            _("Newly deliberated action plans"), _deliberated_plans(territory, period_start, period_end)
        ),
        Highlight(_("Completed actions"), _completed_actions(territory, period_start, period_end)),
        Highlight(_("News from the observatory"), _observatory_news(territory, period_start, period_end)),
        Highlight(_("Working groups"), _working_groups(territory, period_start, period_end)),
    ]
    return [highlight for highlight in candidates if highlight.items]


def _deliberated_plans(territory, period_start: date, period_end: date) -> list[str]:
    plans = actions_selectors.plans_deliberated(
        start=period_start,
        end=period_end,
        commune_ids=communes_selectors.commune_ids_all(territory_id=territory.pk),
    )
    items = []
    for plan in plans:
        number = (
            _("deliberation no. %(number)s of %(date)s")
            % {"number": plan.deliberation_number, "date": date_text(plan.deliberation_date)}
            if plan.deliberation_number
            else _("deliberation of %(date)s") % {"date": date_text(plan.deliberation_date)}
        )
        items.append(
            _("%(commune)s: “%(title)s” (version %(version)s), %(deliberation)s")
            % {
                "commune": plan.commune.name,
                "title": plan.title,
                "version": plan.version,
                "deliberation": number,
            }
        )
    return items


def completed_actions(*, territory, period_start: date, period_end: date) -> QuerySet[Action]:
    """Actions of the territory's communes completed in the period (see the module's docstring for the
    rule)."""
    return actions_selectors.actions_completed(start=period_start, end=period_end).filter(
        plan__commune__territory_id=territory.pk
    )


def _completed_actions(territory, period_start: date, period_end: date) -> list[str]:
    items, seen = [], set()
    for action in completed_actions(territory=territory, period_start=period_start, period_end=period_end):
        key = (action.plan.commune_id, action.title.casefold())
        if key in seen:  # the same action, carried over to a newer version of the plan
            continue
        seen.add(key)
        items.append(
            _("%(commune)s: %(title)s (%(theme)s)")
            % {"commune": action.plan.commune.name, "title": action.title, "theme": action.theme.name}
        )
    return items


def _observatory_news(territory, period_start: date, period_end: date) -> list[str]:
    """Imports into the territory's own datasets and the shared ones, and the territory's change."""
    items = []
    batches = [
        batch
        for batch in observatory_selectors.imports_finished_between(start=period_start, end=period_end)
        if batch.dataset.territory_id in (None, territory.pk)
    ]
    for batch in batches:
        years = sorted(batch.years or [])
        item = _("New data: %(dataset)s, imported on %(date)s") % {
            "dataset": batch.dataset.name,
            "date": date_text(batch.day),
        }
        if years:
            item += " " + ngettext("(year %(years)s)", "(years %(years)s)", len(years)) % {
                "years": f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0]
            }
        items.append(item)
    change = agglomeration_change(territory=territory)
    if change is not None and any(batch.dataset_id == change.dataset.pk for batch in batches):
        items.extend(change.sentences())
    return items


@dataclass
class AgglomerationChange:
    """The territory (`territory_name`) in the dataset pages show first, read through the observatory's
    rule of totals (observatory.selectors.territory_observatory): a change since the reference year only
    between years when every commune has values, with that coverage; a later year covering part of the
    territory only as a partial sum, labelled so, with its coverage (communes and share of the population)."""

    dataset: Dataset
    territory_name: str
    reference_year: int
    # The latest complete year after the reference, its label ("2023 (e)") and coverage, and the changes.
    year: int | None
    year_label: str
    coverage: str
    emissions: float | None
    consumption: float | None
    # The latest year, when it covers only part of the territory: its label, coverage and emissions sum.
    partial_year_label: str
    partial_coverage: str
    partial_emissions: float | None

    def sentences(self) -> list[str]:
        demo = " " + _("(demonstration data)") if self.dataset.is_demo else ""
        items = []
        if self.emissions is not None:
            values = {
                "territory": self.territory_name,
                "coverage": self.coverage,
                "change": percent(self.emissions, 1, signed=True),
                "reference": self.reference_year,
                "year": self.year_label,
                "consumption": percent(self.consumption, 1, signed=True),
            }
            if self.consumption is None:
                item = _(
                    "Greenhouse-gas emissions of %(territory)s, measured in %(coverage)s: %(change)s"
                    " between %(reference)s and %(year)s"
                )
            else:
                item = _(
                    "Greenhouse-gas emissions of %(territory)s, measured in %(coverage)s: %(change)s"
                    " between %(reference)s and %(year)s; final energy consumption: %(consumption)s"
                )
            items.append(item % values + demo)
        if self.partial_emissions is not None:
            items.append(
                _(
                    "Greenhouse-gas emissions in %(year)s, partial data measured in %(coverage)s:"
                    " %(total)s, not a total of %(territory)s"
                )
                % {
                    "territory": self.territory_name,
                    "year": self.partial_year_label,
                    "coverage": self.partial_coverage,
                    "total": quantity(self.partial_emissions, "t CO2e"),
                }
                + demo
            )
        return items


def agglomeration_change(*, territory) -> AgglomerationChange | None:
    """The territory's emissions and consumption, latest complete year against the reference year,
    and its latest year when that one is partial (None without emissions after the reference year)."""
    dataset = observatory_selectors.datasets_with_data(territory_id=territory.pk).first()
    if dataset is None:
        return None
    view = observatory_selectors.territory_observatory(
        commune_ids=communes_selectors.commune_ids_all(territory_id=territory.pk),
        dataset=dataset,
        territory_id=territory.pk,
    )
    reference_year = view.reference_year
    emissions = view.emissions
    complete = [year for year in emissions.totals if year > reference_year]
    year = max(complete) if complete and reference_year in emissions.totals else None
    partial = [year_ for year_ in emissions.partial_totals if year_ > (year or reference_year)]
    latest_partial = max(partial) if partial else None
    if year is None and latest_partial is None:
        return None

    def label(year_: int) -> str:
        return year_label(year_, emissions.estimated_years)

    def change(series) -> float | None:
        return view.change_since_reference(series.totals).get(year) if year is not None else None

    return AgglomerationChange(
        dataset=dataset,
        territory_name=territory.name,
        reference_year=reference_year,
        year=year,
        year_label=label(year) if year is not None else "",
        coverage=view.coverage.get(year).text if year is not None else "",
        emissions=change(emissions),
        consumption=change(view.consumption),
        partial_year_label=label(latest_partial) if latest_partial is not None else "",
        partial_coverage=view.coverage.get(latest_partial).text if latest_partial is not None else "",
        partial_emissions=emissions.partial_totals.get(latest_partial),
    )


def _working_groups(territory, period_start: date, period_end: date) -> list[str]:
    meetings = [
        meeting
        for meeting in workgroups_selectors.meetings_of_period(start=period_start, end=period_end)
        if meeting.group.commune.territory_id == territory.pk
    ]
    if not meetings:
        return []
    by_commune = Counter(meeting.group.commune for meeting in meetings)
    decisions = [(meeting, decision) for meeting in meetings for decision in meeting.decisions.all()]
    summary = _("%(meetings)s in %(communes)s, %(decisions)s") % {
        "meetings": ngettext(
            "%(count)s working-group meeting", "%(count)s working-group meetings", len(meetings)
        )
        % {"count": number(len(meetings))},
        "communes": ngettext("%(count)s commune", "%(count)s communes", len(by_commune))
        % {"count": number(len(by_commune))},
        "decisions": ngettext("%(count)s decision taken", "%(count)s decisions taken", len(decisions))
        % {"count": number(len(decisions))},
    }
    busiest = sorted(by_commune.items(), key=lambda item: (-item[1], sort_key(item[0].name)))
    named = [f"{commune.name} ({number(count)})" for commune, count in busiest[:NAMED_COMMUNES]]
    others = busiest[NAMED_COMMUNES:]
    if others:
        named.append(
            ngettext(
                "%(count)s other commune (%(meetings)s)",
                "%(count)s other communes (%(meetings)s)",
                len(others),
            )
            % {"count": number(len(others)), "meetings": number(sum(count for _commune, count in others))}
        )
    items = [summary, _("Meetings by commune: %(communes)s") % {"communes": list_text(named)}]
    for meeting, decision in decisions[:HIGHLIGHTED_DECISIONS]:
        items.append(
            _("%(commune)s, %(date)s: %(decision)s")
            % {
                "commune": meeting.group.commune.name,
                "date": date_text(meeting.starts_at),
                "decision": " ".join(decision.text.split()),
            }
        )
    return items


def letter_recipients(*, territory) -> list[str]:
    """The territory's network: active people with a role in one of its communes or over it."""
    return communes_selectors.network_emails(territory_id=territory.pk)


def letters_for_user(user, *, territory) -> QuerySet[Letter]:
    """The territory's issues: its managers see every one (drafts first); the rest of its network the
    published ones; no one reads another territory's (None: no territory, no letter)."""
    if territory is None or not permissions.can_view_territory(user, territory.pk):
        return Letter.objects.none()
    letters = Letter.objects.filter(territory=territory).annotate(section_count=Count("sections"))
    if not permissions.can_manage_letters(user, territory.pk):
        letters = letters.filter(status=LetterStatus.PUBLISHED)
    return letters.order_by("status", "-number", "-pk")


def _letters_with_sections() -> QuerySet[Letter]:
    return Letter.objects.select_related(
        "territory", "published_by", "created_by", "sent_by"
    ).prefetch_related(Prefetch("sections", queryset=LetterSection.objects.order_by("order", "pk")))


def letter_with_sections(*, letter_id: int) -> Letter:
    return _letters_with_sections().get(pk=letter_id)


def letter_for_user(user, letter_id: int) -> Letter:
    """The letter with its sections, or 404 for whoever may not read it (a draft, to a reader)."""
    letter = get_object_or_404(_letters_with_sections(), pk=letter_id)
    permissions.require_found(permissions.can_read_letter(user, letter))
    return letter


def letter_pdfs(*, letter: Letter, limit: int = 5) -> list[GeneratedDocument]:
    """The letter's latest PDFs (who made which version when)."""
    return list(
        GeneratedDocument.objects.filter(letter=letter)
        .exclude(status=DocumentStatus.FAILED)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )
