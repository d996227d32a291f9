"""Pages for reaching the client: attempts, letters and cards, home visits, what works.

Everything starts from a case fetched through ``Case.objects.visible_to`` (arrears
teams of the owning OCMW); for anyone else these URLs are 404.
"""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import Organisation
from portal.core.access_log import log_access
from portal.core.views import done, form_refusal, message_refusal
from referrals.cases.access import get_arrears_ocmws_or_404, get_case_for_user_or_404
from referrals.outreach import forms as outreach_forms
from referrals.outreach import services as outreach
from referrals.outreach import what_works
from referrals.outreach.letters_pdf import letter_pdf
from referrals.outreach.models import HomeVisit, LetterTemplate


@login_required
def attempt_new(request, pk: int):
    """Logging an attempt takes seconds on a phone: one short form."""
    case = get_case_for_user_or_404(request.user, pk)
    form = outreach_forms.AttemptForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            attempt = outreach.log_attempt(case, actor=request.user, **form.cleaned_data)
            return done(request, _attempt_logged(attempt, case), "case_detail", pk=case.pk)
    return render(request, "referrals/outreach/attempt_new.html", {"case": case, "form": form})


def _attempt_logged(attempt, case) -> str:
    return _("Attempt logged on %(ref)s: %(channel)s, %(outcome)s, %(when)s.") % {
        "ref": case.reference,
        "channel": attempt.get_channel_display().lower(),
        "outcome": attempt.get_outcome_display().lower(),
        "when": timezone.localtime(attempt.moment).strftime("%d/%m/%Y %H:%M"),
    }


@login_required
def outreach_proof(request, pk: int):
    """Every attempt by channel and date, printable for the LAC file."""
    case = get_case_for_user_or_404(request.user, pk, purpose="proof of outreach (print)")
    attempts = case.attempts.select_related("worker", "partner").order_by("moment")
    return render(request, "referrals/outreach/proof.html", {"case": case, "attempts": attempts})


def _letter_from_request(request, case):
    partners = outreach.partners_for_letters(case)
    form = outreach_forms.LetterChoiceForm(request.GET or None, case=case, partners=partners)
    if not form.is_valid():
        return form, None
    letter = outreach.render_letter(
        form.cleaned_data["template"],
        case,
        appointment=form.cleaned_data["appointment"],
        partner=form.cleaned_data["partner"],
    )
    return form, letter


@login_required
def letters(request, pk: int):
    case = get_case_for_user_or_404(request.user, pk)
    form, letter = _letter_from_request(request, case)
    with_logo = letter.template.with_logo if letter else None
    context = {
        "case": case,
        "form": form,
        "letter": letter,
        "query": request.GET.urlencode(),
        "sent_form": outreach_forms.LetterSentForm(),
        "conflicts": outreach.privacy_conflicts(
            case, channel="letter", in_envelope=True, with_logo=with_logo
        ),
    }
    return render(request, "referrals/outreach/letters.html", context)


@login_required
def letter_print(request, pk: int):
    case = get_case_for_user_or_404(request.user, pk, purpose="letter (print)")
    _form, letter = _letter_from_request(request, case)
    if letter is None:
        raise Http404
    return render(request, "referrals/outreach/letter_print.html", {"letter": letter})


@login_required
def letter_download(request, pk: int):
    case = get_case_for_user_or_404(request.user, pk, purpose="letter (PDF export)")
    _form, letter = _letter_from_request(request, case)
    if letter is None:
        raise Http404
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{case.reference}-{letter.template.kind}.pdf"'
    )
    return response


@login_required
@require_POST
def letter_sent(request, pk: int, template_pk: int):
    case = get_case_for_user_or_404(request.user, pk)
    template = get_object_or_404(LetterTemplate, pk=template_pk, ocmw_id=case.ocmw_id)
    form = outreach_forms.LetterSentForm(request.POST)
    form.is_valid()  # two optional ticks: always valid
    with message_refusal(request):
        outreach.mark_letter_sent(template, case, actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("“%(template)s” is logged as sent to %(name)s (%(ref)s).")
            % {"template": template.name, "name": case.client.full_name, "ref": case.reference},
        )
    return redirect("case_detail", pk=case.pk)


def template_ocmw(user) -> Organisation:
    """The OCMW whose letter and message templates the person keeps: 404 outside
    arrears teams, 403 for an arrears worker who does not coordinate."""
    ocmws = [o for o in get_arrears_ocmws_or_404(user) if outreach.may_keep_templates(user, o)]
    if not ocmws:
        raise PermissionDenied
    return ocmws[0]


@login_required
def letter_templates(request):
    ocmw = template_ocmw(request.user)
    context = {"ocmw": ocmw, "templates": LetterTemplate.objects.filter(ocmw=ocmw)}
    return render(request, "referrals/outreach/templates.html", context)


@login_required
def letter_template_edit(request, template_pk: int | None = None):
    ocmw = template_ocmw(request.user)
    template = None
    if template_pk is not None:
        template = get_object_or_404(LetterTemplate, pk=template_pk, ocmw=ocmw)
    form = outreach_forms.LetterTemplateForm(request.POST or None, instance=template)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = outreach.preview_letter_body(form.cleaned_data["body"], ocmw)
        else:
            outreach.save_letter_template(
                ocmw, actor=request.user, template=template, fields=form.cleaned_data
            )
            name = form.cleaned_data["name"]
            return done(
                request,
                _("The template “%(name)s” was saved.") % {"name": name},
                "letter_templates",
            )
    context = {"form": form, "template": template, "preview": preview, "ocmw": ocmw}
    return render(request, "referrals/outreach/template_edit.html", context)


# Home visits ---------------------------------------------------------------------


@login_required
def visit_new(request, pk: int):
    case = get_case_for_user_or_404(request.user, pk)
    form = outreach_forms.VisitForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            visit = outreach.plan_visit(case, actor=request.user, **form.cleaned_data)
            return redirect("visit_detail", pk=visit.pk)
    return render(request, "referrals/outreach/visit_new.html", {"case": case, "form": form})


def _visit_for(user, pk: int) -> HomeVisit:
    visit = (
        HomeVisit.objects.visible_to(user)
        .select_related("case__client", "worker", "second_worker")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


@login_required
def visit_detail(request, pk: int, checkout_form=None):
    visit = _visit_for(request.user, pk)
    context = {
        "visit": visit,
        "mine": visit.is_worker(request.user),
        "checkout_form": checkout_form or outreach_forms.CheckOutForm(),
    }
    status = 400 if checkout_form is not None else 200
    return render(request, "referrals/outreach/visit.html", context, status=status)


@login_required
@require_POST
def visit_action(request, pk: int, action: str):
    visit = _visit_for(request.user, pk)
    if action == "check-out":
        form = outreach_forms.CheckOutForm(request.POST)
        if not form.is_valid():  # said on the form, with the error summary focused
            return visit_detail(request, pk, checkout_form=form)
    with message_refusal(request):
        if action == "check-in":
            outreach.check_in(visit, actor=request.user)
            message = _("You are checked in at %(address)s. Check out when you leave.")
        elif action == "check-out":
            visit = outreach.check_out(visit, actor=request.user, **form.cleaned_data)
            message = _("You are checked out. The visit to %(address)s is logged as: %(outcome)s.")
        elif action == "cancel":
            outreach.cancel_visit(visit, actor=request.user)
            message = _("The visit to %(address)s on %(day)s is cancelled.")
        else:
            raise Http404
        outcome = visit.attempt.get_outcome_display().lower() if visit.attempt_id else ""
        day = timezone.localtime(visit.window_start).strftime("%d/%m/%Y")
        messages.success(
            request, message % {"address": visit.address, "outcome": outcome, "day": day}
        )
    return redirect("visit_detail", pk=visit.pk)


@login_required
def visit_board(request):
    """Who of the team is out where, until when."""
    get_arrears_ocmws_or_404(request.user)
    visits = HomeVisit.objects.visible_to(request.principal).on_the_board(timezone.localdate())
    context = {"visits": visits, "now": timezone.now(), "grace": outreach.grace()}
    return render(request, "referrals/outreach/board.html", context)


# What works ----------------------------------------------------------------------


def _report(request):
    ocmws = get_arrears_ocmws_or_404(request.user)
    today = timezone.localdate()
    form = outreach_forms.PeriodForm(
        request.GET or None,
        initial={
            "start": today.replace(day=1) - timedelta(days=365),
            "end": today + timedelta(days=1),
        },
    )
    start, end = today - timedelta(days=365), today + timedelta(days=1)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    ocmw = ocmws[0]
    report = what_works.what_works(ocmw, start=start, end=end)
    sent = what_works.message_counts(ocmw, start=start, end=end)
    return {
        "ocmw": ocmw,
        "form": form,
        "start": start,
        "end": end,
        "report": report,
        "message_counts": sent,
    }


@login_required
def what_works_report(request):
    context = {**_report(request), "query": request.GET.urlencode()}
    return render(request, "referrals/outreach/what_works.html", context)


@login_required
def what_works_csv(request):
    report = _report(request)
    ocmw, start, end = report["ocmw"], report["start"], report["end"]
    log_access(
        request.user, "export", "what_works", ocmw.pk, purpose="what-works CSV", ocmw_id=ocmw.pk
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="what-works-{start}-{end}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerows(what_works.csv_rows(report["report"]))
    return response
