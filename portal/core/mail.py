"""E-mails of the portal: a plain-text body and an HTML alternative, from one template.

A text template is rendered twice. For the text/plain part with autoescaping off: it
is not HTML, so ``D'Hondt`` and ``"Uw waterfactuur lezen"`` must stay as written, not
``D&#x27;Hondt``. For the HTML part with autoescaping on, which escapes every value
once; paragraphs, line breaks and links are then made from that escaped output
(without escaping it again) and put in a small layout without external resources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.safestring import mark_safe

LAYOUT = "portal/email/layout.html"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def _render(template_name: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(dict(context), autoescape=autoescape))


def render_email(
    *, subject_template: str, body_template: str, context: Mapping[str, Any], language: str
) -> RenderedEmail:
    """Subject (one line), text and HTML of an e-mail, in ``language``."""
    with translation.override(language):
        subject = " ".join(_render(subject_template, context, autoescape=False).split())
        text = _render(body_template, context, autoescape=False)
        escaped = _render(body_template, context, autoescape=True).strip()
        # Both work on the escaped text as it is (autoescape=False: no second escaping).
        content = linebreaks(urlize(escaped, autoescape=False), autoescape=False)
        html = _render(
            LAYOUT,
            {
                "subject": subject,
                "language": translation.get_language(),
                # Built from the autoescaped rendering above: every value in it is escaped.
                "content": mark_safe(content),  # noqa: S308
            },
            autoescape=True,
        )
    return RenderedEmail(subject=subject, text=text, html=html)


def make_email(
    *,
    subject_template: str,
    body_template: str,
    context: Mapping[str, Any],
    language: str,
    to: Sequence[str],
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The e-mail, ready to send: the text as its body, the HTML as its alternative."""
    rendered = render_email(
        subject_template=subject_template,
        body_template=body_template,
        context=context,
        language=language,
    )
    message = EmailMultiAlternatives(
        rendered.subject, rendered.text, to=list(to), headers=dict(headers or {})
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
