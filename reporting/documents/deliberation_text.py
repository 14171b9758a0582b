"""The draft deliberation in the French administrative form, filled from the plan: the visas (Vu… ;),
the recitals (Considérant… ;), the decision (Le conseil municipal, après en avoir délibéré, décide :)
and its articles, the vote and the signature. The PDF and the editable .docx print the same paragraphs.

Before the vote, the fields only the council knows (meeting date, councillors present, rapporteur, votes)
are left blank for the secretariat, unless the advisor filled them in before generating (`council`, see
reporting.forms.DeliberationCouncilForm); once the plan is adopted, the meeting date and the deliberation
number are those recorded on the plan. The commune's territory, its climate plan and its targets come
from the data (communes.Territory, the observatory's targets: the commune's own, else its territory's):
what the data does not know is not said, and no territory is named but the commune's own.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from actions.models import ActionPlan, Origin
from observatory.models import Basis
from pcl.formatting import (
    date_text,
    is_french,
    list_text,
    money,
    number,
    ordinal,
    percent,
    quantity,
    typography,
)

from .deliberation_annex import ActionRow, plan_impacts

BLANK = "…" * 8  # a field the council secretariat fills in


@dataclass
class DeliberationText:
    is_adopted: bool
    heading: str
    commune_line: str
    meeting_line: str
    subject: str
    attendance: list[tuple[str, str]]
    preamble: str
    visas: list[str]
    considerations: list[str]
    report_line: str
    decision: str
    articles: list[tuple[str, str]]
    vote: list[tuple[str, str]]
    adoption: str
    closing: str
    signature: list[str]
    enforceability: str
    colon: str  # " :" with a no-break space in French, ":" otherwise


def _filled(council: dict, name: str) -> str:
    """A blank the advisor filled in (a date, a count or a name), else the dotted blank."""
    value = council.get(name)
    if value in (None, ""):
        return BLANK
    if name.endswith("_date"):
        return date_text(date.fromisoformat(value))
    if isinstance(value, int):
        return number(value)
    return typography(str(value))


def _budget_years(plan: ActionPlan, day: date) -> str:
    """The financial years the plan still has from the vote (or today): "2026 to 2030", "2030"."""
    first = min(max(plan.start_year, day.year), plan.end_year)
    if first == plan.end_year:
        return _(
            "To state that the corresponding appropriations will be entered in the budget of %(year)s."
        ) % {"year": first}
    return _(
        "To state that the corresponding appropriations will be entered in the budgets of the years "
        "%(start)s to %(end)s."
    ) % {"start": first, "end": plan.end_year}


def deliberation_text(
    *,
    plan: ActionPlan,
    working_group,
    territory: dict,
    budget: dict,
    rows: list[ActionRow],
    day: date,
    council: dict,
) -> DeliberationText:
    """`day` is the day the file describes (the vote's for an adopted plan); `council` the blanks the
    advisor filled in (draft only)."""
    commune = plan.commune
    holder = commune.territory  # its climate plan is the one the deliberation quotes
    adopted = plan.is_adopted
    values = {
        "commune": commune.name,
        "title": plan.title,
        "version": plan.version,
        "start": plan.start_year,
        "end": plan.end_year,
        "actions": ngettext("%(count)d action", "%(count)d actions", len(rows)) % {"count": len(rows)},
        "total": budget["total_label"],
        "investment": budget["investment_label"],
        "operating": budget["operating_label"],
    }
    if adopted:
        heading = _("Deliberation of the municipal council")
        if plan.deliberation_number:
            heading = _("Deliberation no. %(number)s of the municipal council") % {
                "number": plan.deliberation_number
            }
        meeting = pgettext("council meeting", "Meeting of %(date)s") % {
            "date": date_text(plan.deliberation_date)
        }
        attendance = []
        vote = []
        adoption = _("Deliberation adopted at the meeting of %(date)s.") % {
            "date": date_text(plan.deliberation_date)
        }
    else:
        heading = _("Draft deliberation")
        meeting = _("Meeting of the municipal council of %(date)s") % {
            "date": _filled(council, "meeting_date")
        }
        attendance = [
            (_("Date of the notice of meeting"), _filled(council, "notice_date")),
            (_("Councillors in office"), _filled(council, "in_office")),
            (_("Present"), _filled(council, "present")),
            (_("Represented"), _filled(council, "represented")),
            (_("Voting"), _filled(council, "voting")),
        ]
        vote = [
            (_("For"), _filled(council, "votes_for")),
            (_("Against"), _filled(council, "votes_against")),
            (_("Abstentions"), _filled(council, "abstentions")),
        ]
        adoption = ""

    visas = [
        _(
            "Having regard to the general code of local authorities (code général des collectivités "
            "territoriales), in particular its article L. 2121-29;"
        ),
        _("Having regard to law no. 2015-992 of 17 August 2015 on the energy transition for green growth;"),
    ]
    if holder is not None and holder.climate_plan_name:
        if holder.climate_plan_year:
            visas.append(
                _("Having regard to the %(plan)s, adopted in %(year)s;")
                % {"plan": holder.climate_plan_name, "year": holder.climate_plan_year}
            )
        else:
            visas.append(_("Having regard to the %(plan)s;") % {"plan": holder.climate_plan_name})
    if commune.charter_signed_on:
        visas.append(
            _("Having regard to the charter of the Plan Climat Local signed by the commune on %(date)s;")
            % {"date": date_text(commune.charter_signed_on)}
        )
    considerations = [
        *_territory_considerations(territory, holder),
        _group_consideration(working_group),
        _plan_consideration(rows),
    ]
    articles = [
        _(
            "To adopt the action plan of the Plan Climat Local “%(title)s” (version %(version)s), annexed "
            "to this deliberation, which comprises %(actions)s over the period %(start)s–%(end)s and "
            "a forecast budget of %(total)s excluding tax, of which %(investment)s in investment and "
            "%(operating)s in operating expenditure;"
        )
        % values,
        (
            _(
                "To authorise the mayor, or his or her representative, to take every step and sign every "
                "document needed to carry out this plan, in particular to apply to the partners for the "
                "co-funding identified, for %(amount)s;"
            )
            % {"amount": money(budget["cofunding_total"])}
            if budget["cofunding_total"]
            else _(
                "To authorise the mayor, or his or her representative, to take every step and sign every "
                "document needed to carry out this plan, in particular to apply to the partners for "
                "co-funding;"
            )
        ),
        _(
            "To entrust the energy-climate referent and the internal working group with the follow-up of "
            "the plan, which will be the subject of a yearly review presented to the municipal council, "
            "drawing on the indicators of the territorial observatory;"
        ),
        _budget_years(plan, day),
    ]
    return DeliberationText(
        is_adopted=adopted,
        heading=typography(heading),
        commune_line=typography(_("Commune of %(commune)s") % values),
        meeting_line=typography(meeting),
        subject=typography(
            _(
                "Subject: adoption of the action plan of the Plan Climat Local “%(title)s” "
                "(version %(version)s)"
            )
            % values
        ),
        attendance=[(typography(label), value) for label, value in attendance],
        preamble=_("The municipal council,"),
        visas=[typography(text) for text in visas],
        considerations=[typography(text) for text in considerations],
        report_line=typography(_("On the report of %(name)s,") % {"name": _filled(council, "rapporteur")}),
        decision=typography(_("The municipal council, having deliberated, decides:")),
        articles=[
            # French legal numbering: "Article 1er", then "Article 2", "Article 3"...
            (
                _("Article %(number)s") % {"number": ordinal(1) if index == 1 and is_french() else index},
                typography(text),
            )
            for index, text in enumerate(articles, start=1)
        ],
        vote=[(typography(label), value) for label, value in vote],
        adoption=typography(adoption),
        closing=typography(
            _("Done and deliberated at %(commune)s, on the day, month and year stated above.") % values
        ),
        signature=[_("The mayor,"), typography(_("(name, signature and seal)"))],
        enforceability=typography(
            _(
                "Act made enforceable after transmission to the prefecture on %(sent)s and publication "
                "on %(published)s."
            )
            % {"sent": BLANK, "published": BLANK}
        ),
        colon=typography("x:")[1:],
    )


def _territory_considerations(territory: dict, holder) -> list[str]:
    texts = []
    headline = territory["headline"]
    dataset = territory["dataset"]
    source = ""  # stated once, after the last figure (below)
    for key, with_change, without_change in (
        (
            "consumption",
            _(
                "Whereas the final energy consumption of the commune's territory was %(value)s MWh per "
                "inhabitant in %(year)s, a change of %(change)s since %(reference)s%(source)s;"
            ),
            _(
                "Whereas the final energy consumption of the commune's territory was %(value)s MWh per "
                "inhabitant in %(year)s%(source)s;"
            ),
        ),
        (
            "emissions",
            _(
                "Whereas the greenhouse-gas emissions of the commune's territory were %(value)s t CO2e per "
                "inhabitant in %(year)s, a change of %(change)s since %(reference)s%(source)s;"
            ),
            _(
                "Whereas the greenhouse-gas emissions of the commune's territory were %(value)s t CO2e per "
                "inhabitant in %(year)s%(source)s;"
            ),
        ),
    ):
        if key in headline:
            item = headline[key]
            text = with_change if item["change"] else without_change
            texts.append(text % {**item, "reference": territory["reference_year"], "source": source})
    if "renewables" in headline:
        texts.append(
            _(
                "Whereas renewable energy produced in the commune covered %(value)s of its final energy "
                "consumption in %(year)s;"
            )
            % headline["renewables"]
        )
    if texts and dataset is not None:
        if len(texts) == 1:
            source = (
                _("(source: %(dataset)s, demonstration data)")
                if territory["is_demo"]
                else _("(source: %(dataset)s)")
            )
        else:
            source = (
                _("(source of these figures: %(dataset)s, demonstration data)")
                if territory["is_demo"]
                else _("(source of these figures: %(dataset)s)")
            )
        texts[-1] = f"{texts[-1].rstrip(';')} {source % {'dataset': dataset.name}};"
    target = territory["target"]
    goals = []
    if target is not None:
        per_inhabitant = " " + _("per inhabitant")
        if target.ghg_reduction_pct is not None:
            goals.append(
                _("reduce greenhouse-gas emissions by %(value)s")
                % {"value": percent(target.ghg_reduction_pct)}
                + (per_inhabitant if target.ghg_basis == Basis.PER_INHABITANT else "")
            )
        if target.consumption_reduction_pct is not None:
            goals.append(
                _("reduce energy consumption by %(value)s")
                % {"value": percent(target.consumption_reduction_pct)}
                + (per_inhabitant if target.consumption_basis == Basis.PER_INHABITANT else "")
            )
        if target.renewable_share_pct is not None:
            goals.append(
                _("bring renewable and recovered energy to %(value)s of final energy consumption")
                % {"value": percent(target.renewable_share_pct)}
            )
    if goals:
        values = {
            "year": target.target_year,
            "reference": target.reference_year,
            "goals": list_text(goals),
        }
        if target.commune_id:
            text = _(
                "Considering the targets the commune has set itself against %(reference)s: by %(year)s, "
                "%(goals)s;"
            )
            texts.append(text % values)
        elif holder is not None and holder.climate_plan_name:
            # The territory's targets: those of its climate plan.
            text = _("Considering the targets of the %(plan)s against %(reference)s: by %(year)s, %(goals)s;")
            texts.append(text % {**values, "plan": holder.climate_plan_name})
        elif holder is not None:
            # A territory with no plan of its own yet works to the targets set for it (e.g. the national
            # strategy's, set when it was onboarded).
            text = _(
                "Considering the targets set for %(territory)s against %(reference)s: by %(year)s, %(goals)s;"
            )
            texts.append(text % {**values, "territory": holder.name})
    return texts


# A group named after what it is ("Groupe de travail interne PCL") is not quoted after its own kind
# ("the internal working group “Groupe de travail interne PCL”"): its name is the noun.
GROUP_WORDS = ("groupe", "comité", "working group", "committee", "steering")


def names_itself(name: str) -> bool:
    return name.casefold().startswith(GROUP_WORDS)


def group_noun(name: str) -> str:
    """The group's name used as a noun inside a sentence: "groupe de travail interne PCL"."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _group_consideration(group) -> str:
    if group is None:
        return _(
            "Considering the work of the municipal services and elected officials who drew up this action "
            "plan with the support of the local energy and climate agency;"
        )
    members = len(group.current_members)
    values = {
        "name": group.name,
        "date": date_text(group.created_on),
        "members": ngettext("%(count)d member", "%(count)d members", members) % {"count": members},
        "meetings": ngettext("%(count)d time", "%(count)d times", group.meetings_held)
        % {"count": group.meetings_held},
    }
    if names_itself(group.name):
        values["name"] = group_noun(group.name)
        if group.meetings_held:
            text = _(
                "Considering the work of the %(name)s, set up on %(date)s, which brings together "
                "%(members)s and met %(meetings)s to draw up this action plan;"
            )
        else:
            text = _(
                "Considering the work of the %(name)s, set up on %(date)s, which brings together "
                "%(members)s to draw up this action plan;"
            )
    elif group.meetings_held:
        text = _(
            "Considering the work of the internal working group “%(name)s”, set up on %(date)s, which "
            "brings together %(members)s and met %(meetings)s to draw up this action plan;"
        )
    else:
        text = _(
            "Considering the work of the internal working group “%(name)s”, set up on %(date)s, which "
            "brings together %(members)s to draw up this action plan;"
        )
    return text % values


def _plan_consideration(rows: list[ActionRow]) -> str:
    engaged = sum(1 for row in rows if row.action.origin == Origin.ALREADY_ENGAGED)
    new = len(rows) - engaged
    values = {
        "actions": ngettext("%(count)d action", "%(count)d actions", len(rows)) % {"count": len(rows)},
        "engaged": ngettext("%(count)d already under way", "%(count)d already under way", engaged)
        % {"count": engaged},
        "new": ngettext("%(count)d new initiative", "%(count)d new initiatives", new) % {"count": new},
    }
    totals = plan_impacts(rows)
    impacts = []
    if totals["mwh_saved"]:
        impacts.append(
            _("save %(value)s of energy per year") % {"value": quantity(totals["mwh_saved"], "MWh")}
        )
    if totals["tco2e_avoided"]:
        impacts.append(
            _("avoid %(value)s of emissions per year")
            % {"value": quantity(totals["tco2e_avoided"], "t CO2e")}
        )
    if totals["mwh_renewable"]:
        impacts.append(
            _("produce %(value)s of renewable energy per year")
            % {"value": quantity(totals["mwh_renewable"], "MWh")}
        )
    if impacts:
        return _(
            "Whereas the action plan comprises %(actions)s, of which %(engaged)s and %(new)s, and is "
            "expected to %(impacts)s;"
        ) % {**values, "impacts": list_text(impacts)}
    return _("Whereas the action plan comprises %(actions)s, of which %(engaged)s and %(new)s;") % values
