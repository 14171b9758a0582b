"""Evaluation dashboards: a territory's network's (its advisors and officers) and each commune's (its
people)."""

import hashlib

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes import permissions
from communes.selectors import advisors_all, commune_groups_all, territory_choice
from pcl import forms as pcl_forms

from .. import charts, dashboards, summaries
from ..figures_cache import cached_html


class AdvisorChoiceField(pcl_forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name()


class GroupChoiceField(pcl_forms.ModelChoiceField):
    def label_from_instance(self, group):
        return _("%(group)s (demo)") % {"group": group.name} if group.is_demo else group.name


class NetworkFilterForm(forms.Form):
    """The network dashboard's filters, among the territory's advisors and groups; every one is optional
    (the default is the territory's whole network)."""

    advisor = AdvisorChoiceField(
        queryset=None, required=False, label=gettext_lazy("Advisor"), empty_label=gettext_lazy("All advisors")
    )
    group = GroupChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Group of communes"),
        empty_label=gettext_lazy("All communes"),
    )
    year_from = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=gettext_lazy("From (year)")
    )
    year_to = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=gettext_lazy("To (year)")
    )

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors_all(territory_ids=territory.pk)
        self.fields["group"].queryset = commune_groups_all(territory_ids=territory.pk)
        years = [("", "—"), *((year, str(year)) for year in summaries.years_offered())]
        self.fields["year_from"].choices = years
        self.fields["year_to"].choices = years

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_from"] > data["year_to"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        return data


@login_required
def network_dashboard(request):
    user = request.user
    permissions.require(permissions.can_view_network_dashboard(user))
    choice = territory_choice(
        user, request.GET.get("territory"), among=permissions.network_territory_ids(user)
    )
    territory = choice.territory
    if territory is None:  # the administrator of a platform with no territory yet
        return render(request, "reporting/network_dashboard.html", {"territory": None})
    permissions.require_found(permissions.can_view_network_dashboard(user, territory.pk))
    form = NetworkFilterForm(request.GET or None, territory=territory)
    filters = form.cleaned_data if form.is_valid() else {}
    if "advisor" in form.errors or "group" in form.errors:
        raise Http404("No such advisor or group in this territory.")  # e.g. another territory's group
    dashboard = dashboards.network_dashboard(
        territory=territory,
        advisor=filters.get("advisor"),
        group=filters.get("group"),
        period=summaries.Period(filters.get("year_from"), filters.get("year_to")),
        page_number=request.GET.get("page"),
    )
    # An advisor reads the whole network's figures but opens only the communes they follow.
    lines = [*dashboard.communes, *dashboard.quiet_groups]
    for line in lines:
        line.can_open = permissions.can_view_commune(user, line.commune)
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    # The figures, charts and table, rendered once per version of the figures for these filters, this
    # page of the table, its links (the query) and the communes this reader may open.
    opened = "".join("1" if line.can_open else "0" for line in lines)
    key = (
        territory.pk,
        getattr(filters.get("advisor"), "pk", None),
        getattr(filters.get("group"), "pk", None),
        dashboard.period.year_from,
        dashboard.period.year_to,
        dashboard.page.number,
        hashlib.sha1(f"{query}|{opened}".encode()).hexdigest(),
    )
    body = cached_html(
        "network-dashboard",
        key,
        lambda: render_to_string(
            "reporting/includes/network_dashboard_body.html",
            {
                "dashboard": dashboard,
                "charts": charts.network_charts(dashboard),
                "page": dashboard.page,
                "query": query,
            },
        ),
    )
    return render(
        request,
        "reporting/network_dashboard.html",
        {
            "form": form,
            "filters": {name: value for name, value in filters.items() if value},
            "territory": territory,
            "territory_choice": choice,
            "dashboard": dashboard,
            "is_advisor": territory.pk in permissions.advisor_territory_ids(user),
            "page": dashboard.page,
            "body": body,
        },
    )


@login_required
def commune_dashboard(request, insee_code):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    permissions.require_found(permissions.can_view_commune_dashboard(user, commune))
    # The figures are the same for every reader of the commune: rendered once per version of them.
    body = cached_html("commune-dashboard", (commune.pk,), lambda: _commune_dashboard_body(commune))
    return render(request, "reporting/commune_dashboard.html", {"commune": commune, "body": body})


def _commune_dashboard_body(commune) -> str:
    dashboard = dashboards.commune_dashboard(commune=commune)
    return render_to_string(
        "reporting/includes/commune_dashboard_body.html",
        {"commune": commune, "dashboard": dashboard, "charts": charts.commune_charts(dashboard)},
    )


urlpatterns = [
    path("reporting/", network_dashboard, name="network_dashboard"),
    path("communes/<str:insee_code>/dashboard/", commune_dashboard, name="commune_dashboard"),
]
