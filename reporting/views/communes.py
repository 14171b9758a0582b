"""The two pages that show every app's part of a commune: the advisor's portfolio and the commune
page. Their URLs keep the `communes:` names (`communes:portfolio`, `communes:detail`): pcl/urls.py
puts these patterns in the communes namespace, beside communes/urls.py."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path

from communes import permissions
from communes import selectors as communes_selectors

from .. import commune_pages


@login_required
def portfolio(request):
    user = request.user
    permissions.require(permissions.can_view_portfolio(user))
    advisor = user
    advisor_choices = None
    if permissions.is_administrator(user):
        advisor_choices = communes_selectors.advisors_all()
        advisor_id = request.GET.get("advisor")
        if advisor_id and advisor_id.isdigit():
            advisor = get_object_or_404(advisor_choices, pk=advisor_id)
    page = commune_pages.portfolio_page(advisor=advisor, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "communes/portfolio.html",
        {
            "advisor": advisor,
            "advisor_choices": advisor_choices,
            "communes": page.communes,
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
def commune_detail(request, insee_code):
    user = request.user
    commune = permissions.commune_for_user(user, insee_code)
    can_manage = permissions.can_manage_members(user, commune)
    page = communes_selectors.commune_page(commune=commune, with_invitations=can_manage)
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "page": page,
            "can_edit": permissions.can_edit_commune(user, commune),
            "can_manage_members": can_manage,
            "grantable_roles": permissions.grantable_roles(user, commune),
            "sections": commune_pages.commune_sections(commune=commune, user=user),
        },
    )


urlpatterns = [
    path("portfolio/", portfolio, name="portfolio"),
    path("communes/<str:insee_code>/", commune_detail, name="detail"),
]
