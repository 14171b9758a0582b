"""After a failed submit, the form opens on a summary of its errors, each linked to its field, and the
page's title says "Erreur : " (RGAA / WCAG 3.3.1, 2.4.3)."""

import re

import pytest
from django.conf import settings

from tests.actions.helpers import grid_data, new_action_data, plan_data, planning_data, url

pytestmark = pytest.mark.django_db


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def summary_of(page: str) -> str:
    found = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)
    return found.group(0) if found else ""


def test_a_new_action_without_a_title_opens_on_the_error_summary(as_role, scene):
    response = as_role("referent").post(url("action_create", scene.plan.pk), new_action_data(title=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert title_of(page).startswith("Erreur\u00a0: Nouvelle action")
    summary = summary_of(page)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert "Le formulaire contient 1 erreur</h2>" in summary
    assert '<a class="alert-link" href="#id_title">Titre\u00a0: Ce champ est obligatoire.</a>' in summary
    assert 'id="id_title"' in page


def test_the_summary_speaks_the_pages_language(as_role, scene):
    client = as_role("referent")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        url("action_create", scene.plan.pk), new_action_data(title="", tco2e_avoided="beaucoup")
    ).content.decode()
    assert title_of(page).startswith("Error: New action")
    summary = summary_of(page)
    assert "The form contains 2 errors</h2>" in summary
    assert 'href="#id_title">Title: This field is required.</a>' in summary
    assert 'href="#id_tco2e_avoided">' in summary and "“beaucoup” is not a number" in summary


def test_a_page_without_errors_has_no_summary_nor_error_title(as_role, scene):
    page = as_role("referent").get(url("action_create", scene.plan.pk)).content.decode()
    assert summary_of(page) == ""
    assert not title_of(page).startswith("Erreur")


def test_the_shared_form_include_lists_field_and_form_errors(as_role, scene):
    # The plan form goes through templates/includes/form.html.
    response = as_role("referent").post(
        url("plan_edit", scene.plan.pk), plan_data(title="", start_year="2031", end_year="2025")
    )
    page = response.content.decode()
    assert title_of(page).startswith("Erreur\u00a0: ")
    summary = summary_of(page)
    assert 'href="#id_title"' in summary
    assert summary.count("<li>") >= 2


def test_formset_errors_name_their_row(as_role, scene):
    action = scene.action
    data = planning_data(
        action,
        cofunders=[
            {"name": "Région", "amount": "1000", "status": "requested"},
            {"name": "Département", "amount": "mille", "status": "requested"},
        ],
    )
    page = as_role("referent").post(url("action_planning", action.pk), data).content.decode()
    summary = summary_of(page)
    assert "Le formulaire contient 1 erreur</h2>" in summary
    assert 'href="#id_cofunders-1-amount">Montant (€) (ligne 2)\u00a0: «\u00a0mille\u00a0»' in summary
    assert 'id="id_cofunders-1-amount"' in page
    assert title_of(page).startswith("Erreur\u00a0: ")


def test_the_budget_grid_opens_on_the_error_summary_linked_to_the_cell(as_role, scene):
    data = grid_data(scene.action, {"investment-forecast-2025": "1000", "operating-actual-2026": "mille"})
    page = as_role("referent").post(url("action_budget", scene.action.pk), data).content.decode()
    summary = summary_of(page)
    assert "Le formulaire contient 1 erreur</h2>" in summary
    assert (
        'href="#id_operating-actual-2026">Fonctionnement, réalisé, 2026\u00a0: «\u00a0mille\u00a0»' in summary
    )
    assert title_of(page).startswith("Erreur\u00a0: ")
