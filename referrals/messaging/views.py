"""Pages for messages to clients, and the SMS provider's callbacks.

Everything a person sees starts from a case or LAC session fetched through their
``visible_to`` (arrears teams of the owning OCMW): for anyone else these URLs are
404. The callbacks answer only requests signed by the provider (403 otherwise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.core.views import done, form_refusal, message_refusal
from referrals.cases.access import get_case_for_user_or_404
from referrals.cases.models import LacSession
from referrals.cases.permissions import can_change_arrears, can_manage_lac
from referrals.messaging import forms as message_forms
from referrals.messaging import providers, services, texts
from referrals.messaging.models import ClientMessage, MessageTemplate, SessionReminder
from referrals.outreach.views import template_ocmw


def _preview(template: MessageTemplate, case, user, appointment=None) -> dict:
    template = services.variant_for(template, case.client.language)
    subject, body = services.render(template, case, worker=user, appointment=appointment)
    preview = {"template": template, "subject": subject, "body": body}
    if template.channel == "sms":
        preview["length"] = texts.sms_length(body)
    return preview


@login_required
def message_new(request, pk: int):
    """Send a template to the client by text message or e-mail."""
    case = get_case_for_user_or_404(request.user, pk, purpose="case (send a message)")
    if not can_change_arrears(request.user, case):
        raise PermissionDenied
    form = message_forms.SendForm(request.POST or None, case=case)
    preview = None
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        if "preview" in request.POST:
            preview = _preview(arguments["template"], case, request.user, arguments["appointment"])
        else:
            with form_refusal(form):
                message = services.queue_message(case, actor=request.user, **arguments)
                return done(request, _sent_text(message), "case_detail", pk=case.pk)
    context = {
        "case": case,
        "form": form,
        "preview": preview,
        "only_remote": services.only_remote_attempts(case),
        "sms_problems": services.refusals(case, channel="sms"),
        "email_problems": services.refusals(case, channel="email"),
    }
    return render(request, "referrals/messaging/message_new.html", context)


def _sent_text(message: ClientMessage) -> str:
    values = {"reference": message.case.reference, "to": message.to}
    if message.status == ClientMessage.Status.QUEUED and message.enqueued_at is None:
        return _("The message to %(to)s for %(reference)s waits until %(when)s.") % {
            **values,
            "when": timezone.localtime(message.send_after).strftime("%d/%m %H:%M"),
        }
    if message.channel == "sms":
        return _("The text message to %(to)s for %(reference)s is on its way.") % values
    return _("The e-mail to %(to)s for %(reference)s is on its way.") % values


@login_required
@require_POST
def message_cancel(request, pk: int, message_pk: int):
    case = get_case_for_user_or_404(request.user, pk)
    message = get_object_or_404(ClientMessage, pk=message_pk, case=case)
    with message_refusal(request):
        services.cancel_message(message, actor=request.user)
        messages.success(request, _("The message was cancelled: it will not be sent."))
    return redirect("case_detail", pk=case.pk)


@login_required
def message_wishes(request, pk: int):
    """What the client wants of text messages, e-mails and reminders."""
    case = get_case_for_user_or_404(request.user, pk)
    if not can_change_arrears(request.user, case):
        raise PermissionDenied
    form = message_forms.WishesForm(request.POST or None, client=case.client)
    if request.method == "POST" and form.is_valid():
        services.update_wishes(case, actor=request.user, **form.cleaned_data)
        return done(
            request,
            _("The client's wishes for messages on %(reference)s were saved.")
            % {"reference": case.reference},
            "case_detail",
            pk=case.pk,
        )
    return render(request, "referrals/messaging/wishes.html", {"case": case, "form": form})


# Templates -------------------------------------------------------------------------


@login_required
def message_templates(request):
    ocmw = template_ocmw(request.user)
    templates = list(MessageTemplate.objects.filter(ocmw=ocmw))
    for template in templates:
        template.score = texts.flesch_douma(template.body) if template.language == "nl" else None
        if template.channel == "sms":
            template.length = texts.sms_length(template.body)
    context = {"ocmw": ocmw, "templates": templates}
    return render(request, "referrals/messaging/templates.html", context)


@login_required
def message_template_edit(request, template_pk: int | None = None):
    ocmw = template_ocmw(request.user)
    template = None
    if template_pk is not None:
        template = get_object_or_404(MessageTemplate, pk=template_pk, ocmw=ocmw)
    form = message_forms.MessageTemplateForm(request.POST or None, instance=template, ocmw=ocmw)
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if "preview" in request.POST:
            body = fields["body"]
            preview = {
                "body": body,
                "score": texts.flesch_douma(body) if fields["language"] == "nl" else None,
                "length": texts.sms_length(body) if fields["channel"] == "sms" else None,
            }
        else:
            with form_refusal(form):
                saved = services.save_message_template(
                    ocmw, actor=request.user, template=template, fields=fields
                )
                return done(
                    request,
                    _("The message template “%(name)s” was saved.") % {"name": saved.name},
                    "message_templates",
                )
    context = {"form": form, "template": template, "preview": preview, "ocmw": ocmw}
    return render(request, "referrals/messaging/template_edit.html", context)


# Reminders of a LAC session ---------------------------------------------------------


def _session_for(user, pk: int) -> LacSession:
    session = LacSession.objects.visible_to(user).select_related("ocmw").filter(pk=pk).first()
    if session is None:
        raise Http404
    if not can_manage_lac(user, session.ocmw):
        raise PermissionDenied
    return session


@login_required
def session_reminders(request, pk: int):
    session = _session_for(request.user, pk)
    reminder = SessionReminder.objects.filter(session=session).select_related("template").first()
    initial = (
        {"template": reminder.template, "days_before": reminder.days_before} if reminder else None
    )
    form = message_forms.ReminderForm(request.POST or None, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.plan_session_reminder(
                session,
                actor=request.user,
                template=form.cleaned_data["template"],
                days_before=form.cleaned_data["days_before"],
            )
            if "run_now" in request.POST:
                services.start_reminder_round(session, actor=request.user)
                text = _(
                    "The reminders of the LAC session of %(date)s are being sent; this page "
                    "shows the count when it is done."
                )
            else:
                text = _(
                    "The reminders of the LAC session of %(date)s go out %(days)s days before it."
                )
            return done(
                request,
                text
                % {
                    "date": session.date.strftime("%d/%m/%Y"),
                    "days": form.cleaned_data["days_before"],
                },
                "session_reminders",
                pk=session.pk,
            )
    counts = reminder.counts if reminder else {}
    sent = ClientMessage.objects.filter(session=session).values_list("status", flat=True)
    context = {
        "session": session,
        "form": form,
        "reminder": reminder,
        "counts": [(key, counts.get(key, 0)) for key in services.REMINDER_COUNTS] if counts else [],
        "statuses": services.status_counts(sent),
    }
    return render(request, "referrals/messaging/session_reminders.html", context)


# The provider's callbacks --------------------------------------------------------------


def _verified(request, provider_name: str):
    provider = providers.sms_provider_named(provider_name)
    if provider is None:
        raise Http404
    if not provider.verify(request):
        return None
    return provider


@csrf_exempt
@require_POST
def sms_status(request, provider: str):
    """A delivery report: the provider tells what became of a text message."""
    sms = _verified(request, provider)
    if sms is None:
        return HttpResponseForbidden("signature")
    report = sms.parse_status(request)
    if report is not None:
        services.record_status(sms.name, report)
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def sms_reply(request, provider: str):
    """A text message from a client to the portal's number."""
    sms = _verified(request, provider)
    if sms is None:
        return HttpResponseForbidden("signature")
    reply = sms.parse_reply(request)
    if reply is not None:
        services.record_reply(sms.name, reply)
    # Twilio reads an empty TwiML answer as "send nothing back".
    return HttpResponse("<Response/>", content_type="text/xml")
