"""Errors that are seen and reachable (RGAA / WCAG 3.3.1 and 2.4.3): after a failed submit, a summary at
the top of the form lists every error with a link to its field (static/js/forms.js moves the focus to
it), and the page's title starts with "Erreur : ".

    {% load form_errors %}
    <form …>{% error_summary form %} …</form>          forms, formsets, or a dict of them
    <title>{% error_title_prefix %}…</title>            base.html: any form of the page in error
"""

from dataclasses import dataclass

from django import forms, template
from django.utils.translation import gettext as _

from pcl.formatting import colon

register = template.Library()


@dataclass
class FormError:
    message: str
    label: str = ""
    anchor: str = ""


def _forms(items, depth: int = 2):
    """The forms and formsets among `items`, and inside their dicts, lists and tuples (two levels down:
    a page's `formsets` dict, not every row of its tables)."""
    for item in items:
        if isinstance(item, forms.BaseForm | forms.BaseFormSet):
            yield item
        elif depth and isinstance(item, dict):
            yield from _forms(item.values(), depth - 1)
        elif depth and isinstance(item, list | tuple):
            yield from _forms(item, depth - 1)


def _form_errors(form: forms.BaseForm, row: int | None = None) -> list[FormError]:
    if not form.is_bound:
        return []
    found = [FormError(str(message)) for message in form.non_field_errors()]
    for name, messages in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        field = form[name]
        label = str(field.label or name)
        if row is not None:
            label = _("%(label)s (row %(row)d)") % {"label": label, "row": row}
        if field.is_hidden:
            found += [FormError(str(message)) for message in messages]
        else:
            anchor = field.id_for_label or field.auto_id or ""
            found += [FormError(str(message), label, anchor) for message in messages]
    return found


def form_errors(*items) -> list[FormError]:
    """Every error of the given forms and formsets, in page order."""
    found = []
    for item in _forms(items):
        if isinstance(item, forms.BaseFormSet):
            if not item.is_bound:
                continue
            found += [FormError(str(message)) for message in item.non_form_errors()]
            for number, form in enumerate(item.forms, start=1):
                found += _form_errors(form, row=number)
        else:
            found += _form_errors(item)
    return found


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context, *items):
    errors = form_errors(*items)
    # One id per summary of the page, for its aria-labelledby.
    counter = context.render_context.get("error_summary_count", 0) + 1
    context.render_context["error_summary_count"] = counter
    return {
        "errors": errors,
        "count": len(errors),
        "summary_id": f"error-summary-{counter}",
        "colon": colon(),
    }


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Erreur : " when a form of the page holds errors (any form or formset of the context)."""
    for item in _forms(context.flatten().values()):
        if item.is_bound and form_errors(item):
            return _("Error") + colon()
    return ""
