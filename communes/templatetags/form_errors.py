"""Errors that are seen and reachable (RGAA / WCAG 3.3.1 and 2.4.3): after a failed submit, a summary at
the top of the form lists every error with a link to its field (static/js/forms.js moves the focus to
it), and the page's title starts with "Erreur : ".

    {% load form_errors %}
    <form …>{% error_summary form %} …</form>          forms, formsets, or a dict of them
    <title>{% error_title_prefix %}…</title>            base.html: any form of the page in error
"""

import html
from dataclasses import dataclass

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


_SIMPLE_WIDGETS = (forms.Select, forms.TextInput, forms.NumberInput, forms.DateInput)


@register.simple_tag
def filter_field(field: forms.BoundField) -> str:
    """A filter bar's field (label, widget) in the markup crispy-forms gives it, without its dozen
    nested templates: filter bars sit on the pages read all day. A field in error, required, with help
    text or another widget is left to crispy-forms (`as_crispy_field`), which says it all."""
    widget = field.field.widget
    simple = type(widget) in _SIMPLE_WIDGETS and not widget.is_hidden and not field.field.required
    if field.errors or field.help_text or not simple:
        return as_crispy_field(field)
    # The classes crispy-forms' Bootstrap 5 pack gives a widget: its own, its type's name, Bootstrap's.
    name = type(widget).__name__.lower()
    own = widget.attrs.get("class", "")
    classes = [own] if own else []
    if name not in own:
        classes.append(name)
    classes.append("form-select" if isinstance(widget, forms.Select) else "form-control")
    label = ""
    if field.label:
        label = format_html('<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label)
    attrs = {**widget.attrs, "class": " ".join(classes)}
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}</div>', field.auto_id, label, _widget_html(field, attrs)
    )


def _attrs_html(attrs: dict) -> str:
    """A widget's attributes as Django's attrs.html writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


def _widget_html(field: forms.BoundField, attrs: dict) -> str:
    """The widget, a plain select written here as Django's templates write it (one template per option
    adds up: a filter lists every advisor, an administrator's every territory), any other through its
    templates."""
    widget = field.field.widget
    if not isinstance(widget, forms.Select) or widget.allow_multiple_selected:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    # Iterated, not list(): list() asks a model choice iterator its length first, a COUNT query.
    choices = [choice for choice in widget.choices]  # noqa: C416
    if any(isinstance(label, (list, tuple)) for _value, label in choices):
        return field.as_widget(attrs=attrs)  # option groups: Django's templates
    # As Django's Select.optgroups chooses: the first option whose value is the field's, only it.
    current = set(widget.format_value(field.value()))
    selected = next((index for index, (value, _label) in enumerate(choices) if str(value) in current), None)
    options = options_html((value, label, index == selected) for index, (value, label) in enumerate(choices))
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        _attrs_html(widget.build_attrs(widget.attrs, attrs)),
        options,
    )


def _escaped(value) -> str:
    """`conditional_escape` without its per-call wrappers (it runs once per option)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def options_html(options) -> str:
    """`<option>`s of (value, label, selected), escaped as Django's templates escape them: one string
    built here, not a template or a `format_html` per option (a national administrator's territory
    selector has 1,250 of them)."""
    return mark_safe(  # noqa: S308 - every value and label is escaped above
        "".join(
            f'<option value="{_escaped(value)}"{" selected" if selected else ""}>{_escaped(label)}</option>'
            for value, label, selected in options
        )
    )


@register.simple_tag
def territory_options(choices, selected=None, empty_label="") -> str:
    """The options of a territory selector: `choices` are communes.selectors.TerritoryOption, the one
    whose pk is `selected` selected; `empty_label` adds a first option of value "" (every territory)."""
    selected_pk = getattr(selected, "pk", selected)
    options = [("", empty_label, False)] if empty_label else []
    options += [(choice.slug, choice.name, choice.pk == selected_pk) for choice in choices]
    return options_html(options)
