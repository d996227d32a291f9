"""The error summary above a form (GOV.UK Design System pattern): one box that says
what to fix, each problem a link to its field, focused after a failed submit."""

from django import template

register = template.Library()


@register.inclusion_tag("portal/_error_summary.html")
def error_summary(*forms):
    """The problems of ``forms`` (one or several on a page), in page order."""
    shown = [form for form in forms if form is not None and getattr(form, "errors", None)]
    return {"forms": shown}


@register.filter
def error_anchor(field) -> str:
    """The id a summary link points to: the control itself, or a group's first option."""
    if field.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id
