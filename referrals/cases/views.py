"""Pages of the OCMW's arrears teams: cases, arrears, LAC sessions, LAC list import.

Every object is fetched through ``visible_to`` (arrears teams of the owning
OCMW): for anyone else these URLs answer 404, like a page that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.exceptions import ActionRefused, StaleVersion
from portal.core.pagination import page_of
from portal.core.versions import CONFLICT
from portal.core.views import done, form_refusal, message_refusal
from portal.templatetags.portal_format import euro
from referrals.cases import forms as case_forms
from referrals.cases import lac_import
from referrals.cases import services as cases
from referrals.cases.access import (
    get_agenda_item_for_user_or_404,
    get_arrears_ocmws_or_404,
    get_case_for_user_or_404,
    get_lac_import_for_user_or_404,
    get_lac_session_for_user_or_404,
)
from referrals.cases.models import (
    AgendaItem,
    ArrearsRecord,
    Case,
    LacImport,
    LacSession,
    PaymentPlan,
)
from referrals.cases.permissions import can_change_arrears, can_view_arrears
from referrals.messaging.models import ClientMessage, InboundMessage
from referrals.messaging.services import only_remote_attempts
from referrals.referrals.forms import ClientForm


@login_required
def case_list(request):
    get_arrears_ocmws_or_404(request.user)
    status, query = request.GET.get("status", "open"), request.GET.get("q", "").strip()
    worker = request.user if request.GET.get("mine") else None
    cases = Case.objects.visible_to(request.user).filtered(status=status, text=query, worker=worker)
    page = page_of(cases.for_list(), request.GET.get("page"), size=25)
    context = {"page": page, "status": status, "q": query, "statuses": Case.Status.choices}
    return render(request, "referrals/cases/list.html", context)


@login_required
def case_new(request):
    ocmw = get_arrears_ocmws_or_404(request.user)[0]
    form = ClientForm(request.POST or None, prefix="client")
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            case = cases.open_walk_in_case(ocmw, actor=request.user, client=form.cleaned_data)
            return redirect("case_detail", pk=case.pk)
    return render(request, "referrals/cases/new.html", {"form": form, "ocmw": ocmw})


@login_required
def case_detail(request, pk: int):
    case = get_case_for_user_or_404(request.user, pk)
    can_change = can_change_arrears(request.user, case)
    context = {
        "case": case,
        "linked": case.referrals.select_related("referring_team__organisation"),
        "notes": case.notes.select_related("author")[:50],
        "attempts": case.attempts.select_related("worker")[:20],
        "agenda": case.agenda_items.select_related("session").order_by("-session__date"),
        **_messages_of(case),
        "note_form": case_forms.CaseNoteForm(),
        "can_change": can_change,
        "assign": case_forms.assign_choices(
            case, user=request.user, query=request.GET.get("worker_q", "")
        )
        if can_change
        else None,
    }
    if can_view_arrears(request.user, case):
        context["arrears"] = (
            ArrearsRecord.objects.filter(case=case).select_related("water_company").first()
        )
    return render(request, "referrals/cases/detail.html", context)


def _messages_of(case) -> dict:
    """The case's text messages and e-mails; replies only answer messages, so a case
    without messages costs one query here."""
    sent = list(
        ClientMessage.objects.filter(case=case).select_related("template", "created_by")[:20]
    )
    return {
        "client_messages": sent,
        "replies": InboundMessage.objects.filter(case=case)[:20] if sent else [],
        "only_remote": only_remote_attempts(case),
    }


@login_required
def case_workers(request, pk: int):
    """The worker search of the assign form, as a fragment for htmx (the case page
    itself answers the same search without JavaScript: ``?worker_q=``)."""
    case = get_case_for_user_or_404(request.user, pk, purpose="case (assign: worker search)")
    if not can_change_arrears(request.user, case):
        raise PermissionDenied
    assign = case_forms.search_workers(case, request.GET.get("worker_q", ""), user=request.user)
    return render(request, "referrals/cases/_assign_workers.html", {"assign": assign})


def _version(request) -> int:
    """The version the page showed; a form without one is a conflict, never a pass."""
    version = request.POST.get("version", "")
    if not version.isdigit():
        raise StaleVersion(CONFLICT)
    return int(version)


@login_required
@require_POST
def case_action(request, pk: int, action: str):
    case = get_case_for_user_or_404(request.user, pk)
    ref = case.reference
    with message_refusal(request):
        if action == "reached":
            cases.mark_reached(case, actor=request.user, version=_version(request))
            message = _("%(ref)s: the client is marked as reached.") % {"ref": ref}
        elif action == "close":
            cases.close_case(case, actor=request.user, version=_version(request))
            message = _("Case %(ref)s is closed.") % {"ref": ref}
        elif action == "note":
            form = case_forms.CaseNoteForm(request.POST)
            cases.add_case_note(case, actor=request.user, text=form.data.get("text", ""))
            message = _("Your note was added to %(ref)s.") % {"ref": ref}
        elif action == "assign":
            form = case_forms.AssignCaseForm(request.POST, case=case)
            if not form.is_valid():
                raise ActionRefused(_("Choose a social worker."))
            worker = form.cleaned_data["worker"]
            cases.assign_case(case, actor=request.user, worker=worker, version=_version(request))
            message = _("%(ref)s is assigned to %(name)s.") % {
                "ref": ref,
                "name": worker.full_name or worker.email,
            }
        else:
            raise Http404
        messages.success(request, message)
    return redirect("case_detail", pk=case.pk)


@login_required
def arrears_edit(request, pk: int):
    case = get_case_for_user_or_404(request.user, pk, purpose="arrears")
    if not can_view_arrears(request.user, case):
        raise Http404
    record = ArrearsRecord.objects.filter(case=case).first()
    form = case_forms.ArrearsForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            record = cases.save_arrears(case, actor=request.user, **form.edit())
            message = _("The arrears of %(ref)s were saved: %(amount)s outstanding.") % {
                "ref": case.reference,
                "amount": euro(form.cleaned_data["amount_outstanding"]),
            }
            return done(request, message, "arrears_edit", pk=case.pk)
    return _arrears_page(request, case, record, form=form)


def _arrears_page(request, case, record, *, status=200, **forms):
    """The arrears page; a form that was sent and refused is shown again with its errors."""
    context = {
        "case": case,
        "record": record,
        "form": case_forms.ArrearsForm(instance=record),
        "invoices": record.invoices.all() if record else [],
        "plans": record.payment_plans.all() if record else [],
        "changes": record.changes.select_related("actor")[:50] if record else [],
        "invoice_form": case_forms.InvoiceForm(prefix="invoice"),
        "plan_form": case_forms.PaymentPlanForm(prefix="plan"),
        "plan_statuses": PaymentPlan.Status.choices,
    }
    context.update(forms)
    return render(request, "referrals/cases/arrears.html", context, status=status)


@login_required
@require_POST
def arrears_action(request, pk: int, action: str):
    case = get_case_for_user_or_404(request.user, pk, purpose="arrears")
    forms = {
        "invoice": lambda: case_forms.InvoiceForm(request.POST, prefix="invoice"),
        "plan": lambda: case_forms.PaymentPlanForm(request.POST, prefix="plan"),
    }
    form = forms[action]() if action in forms else None
    if form is not None and not form.is_valid():
        # Shown again with what was typed and what to fix, as the other forms are.
        if not can_change_arrears(request.user, case):
            raise PermissionDenied
        record = ArrearsRecord.objects.filter(case=case).first()
        return _arrears_page(request, case, record, status=400, **{f"{action}_form": form})
    with message_refusal(request):
        if action == "invoice":
            data = form.cleaned_data
            cases.add_invoice(case, actor=request.user, **data)
            message = _("Invoice %(number)s of %(amount)s was added to %(ref)s.") % {
                "number": data["number"],
                "amount": euro(data["amount"]),
                "ref": case.reference,
            }
        elif action == "plan":
            data = form.cleaned_data
            cases.add_payment_plan(case, actor=request.user, **data)
            message = _(
                "A payment plan of %(total)s in %(n)s instalments was added to %(ref)s."
            ) % {
                "total": euro(data["total_amount"]),
                "n": data["instalments"],
                "ref": case.reference,
            }
        elif action == "plan-status":
            plan = get_object_or_404(PaymentPlan, pk=request.POST.get("plan"), arrears__case=case)
            status = request.POST.get("status", "")
            plan = cases.set_payment_plan_status(
                plan, actor=request.user, version=_version(request), status=status
            )
            message = _("The payment plan of %(total)s is now: %(status)s.") % {
                "total": euro(plan.total_amount),
                "status": plan.get_status_display().lower(),
            }
        else:
            raise Http404
        messages.success(request, message)
    return redirect("arrears_edit", pk=case.pk)


# LAC sessions --------------------------------------------------------------------


@login_required
def lac_sessions(request):
    ocmws = get_arrears_ocmws_or_404(request.user)
    form = case_forms.LacSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            session = cases.plan_lac_session(ocmws[0], actor=request.user, **form.cleaned_data)
            return redirect("lac_session_detail", pk=session.pk)
    sessions = LacSession.objects.visible_to(request.user).for_list()
    context = {
        "page": page_of(sessions, request.GET.get("page"), size=20),
        "form": form,
        "countdown": cases.next_session_countdown([o.pk for o in ocmws]),
    }
    return render(request, "referrals/lac/sessions.html", context)


AGENDA_PAGE = 50
PRINT_CHUNK = 500
_ROWS = "<!-- the agenda's rows -->"


@login_required
def lac_session_detail(request, pk: int):
    session = get_lac_session_for_user_or_404(request.user, pk)
    query = " ".join(request.GET.get("q", "").split())[:100]
    agenda = session.agenda.for_page().matching(query)
    page = page_of(agenda, request.GET.get("page"), size=AGENDA_PAGE, max_page=10_000)
    rows = [
        (
            item,
            case_forms.DecisionForm(
                prefix=f"d{item.pk}", initial={"decided_on": session.date, "version": item.version}
            ),
        )
        for item in page.items
    ]
    return render(
        request,
        "referrals/lac/session.html",
        {
            "session": session,
            "page": page,
            "agenda": rows,
            "q": query,
            "on_agenda": session.agenda.count(),
            "first_number": (page.number - 1) * AGENDA_PAGE + 1,
            "held_form": case_forms.SessionHeldForm(
                initial={"members_present": session.members_present, "version": session.version}
            ),
            # Not the lists themselves: a long one is megabytes.
            "imports": session.imports.select_related("uploaded_by").defer(
                "content", "checked", "summary"
            )[:10],
            "today": timezone.localdate(),
        },
    )


@login_required
def lac_session_print(request, pk: int):
    """The whole agenda, streamed: the page around it is rendered now, its rows
    ``PRINT_CHUNK`` files at a time, so a long agenda is never held in memory at once."""
    session = get_lac_session_for_user_or_404(request.user, pk)
    page = render_to_string(
        "referrals/lac/print_agenda.html",
        {"session": session, "rows": mark_safe(_ROWS)},  # noqa: S308 - a constant comment
        request=request,
    )
    head, tail = page.split(_ROWS)
    language = translation.get_language()

    def agenda():
        yield head
        number = 0
        with translation.override(language):
            for chunk in session.agenda.for_print().in_chunks(PRINT_CHUNK):
                yield _printed_rows(enumerate(chunk, start=number + 1))
                number += len(chunk)
        yield tail

    return StreamingHttpResponse(agenda(), content_type="text/html; charset=utf-8")


def _printed_rows(numbered) -> str:
    """Rows of the printed agenda, from ``for_print``'s values. Built here rather than by
    a template: the template engine takes a fraction of a millisecond a row, and the
    print of an agenda of 30.000 files has to be done well within the web worker's
    30 seconds."""
    yes, no = _("yes"), _("no")
    rows = [
        (
            number,
            Case(pk=item["case_id"]).reference,
            item["full_name"],
            item["street"],
            item["postcode"],
            item["place"],
            item["water_company"] or "—",
            euro(item["amount"]) if item["arrears"] else "",
            yes if item["reached_at"] else no,
        )
        for number, item in numbered
    ]
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}<br>{}, {} {}</td><td>{}</td><td>{}</td><td>{}</td>"
        "</tr>\n",
        rows,
    )


@login_required
def decision_letter(request, item_pk: int):
    related = ("case__client__postcode", "payment_plan", "case__arrears")
    item = get_agenda_item_for_user_or_404(request.user, item_pk, related=related)
    if not item.decision:
        raise Http404
    return render(request, "referrals/lac/decision_letter.html", {"item": item})


def _back_to_agenda(request, session_id: int, item_pk: int | None = None):
    """The session page as it was: the same search and page, at the item."""
    kept = {name: request.GET[name] for name in ("q", "page") if request.GET.get(name)}
    url = reverse("lac_session_detail", args=[session_id])
    url += f"?{urlencode(kept)}" if kept else ""
    return redirect(f"{url}#item-{item_pk}" if item_pk else url)


@login_required
@require_POST
def lac_decision(request, item_pk: int):
    item = get_agenda_item_for_user_or_404(request.user, item_pk, related=("case",))
    form = case_forms.DecisionForm(request.POST, prefix=f"d{item.pk}")
    with message_refusal(request):
        if not form.is_valid():
            problems = "; ".join(
                f"{form[name].label}: {error}" if name in form.fields else str(error)
                for name, errors in form.errors.items()
                for error in errors
            )
            raise ActionRefused(
                _("The decision on %(ref)s was not saved. %(problems)s")
                % {"ref": item.case.reference, "problems": problems}
            )
        cases.record_decision(item, actor=request.user, **form.recorded())
        messages.success(
            request,
            _("The decision on %(ref)s was saved: %(decision)s.")
            % {
                "ref": item.case.reference,
                "decision": dict(AgendaItem.Decision.choices)[form.cleaned_data["decision"]],
            },
        )
    return _back_to_agenda(request, item.session_id, item.pk)


@login_required
@require_POST
def lac_session_held(request, pk: int):
    session = get_lac_session_for_user_or_404(request.user, pk)
    form = case_forms.SessionHeldForm(request.POST)
    if form.is_valid():
        cases.mark_session_held(session, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The session is marked as held."))
    else:
        messages.error(request, _("Write who was present."))
    return redirect("lac_session_detail", pk=session.pk)


@login_required
def lac_upload(request, pk: int):
    session = get_lac_session_for_user_or_404(request.user, pk)
    if not can_change_arrears(request.user, session):
        raise PermissionDenied
    form = case_forms.LacUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            lac, _plan = lac_import.receive_list(
                ocmw=session.ocmw,
                session=session,
                actor=request.user,
                filename=upload.name,
                raw=upload.read(),
            )
        except lac_import.ImportFileError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("lac_import_preview", pk=lac.pk)
    return render(request, "referrals/lac/upload.html", {"session": session, "form": form})


@login_required
def lac_import_preview(request, pk: int):
    lac = get_lac_import_for_user_or_404(request.user, pk)
    if request.method == "POST":
        if not can_change_arrears(request.user, lac.session):
            raise PermissionDenied
        try:
            summary = lac_import.confirm(lac, actor=request.user)
        except lac_import.ImportFileError as problem:
            messages.error(request, str(problem))
            return redirect("lac_import_preview", pk=lac.pk)
        if summary is None:  # a worker imports it
            return redirect("lac_import_progress", pk=lac.pk)
        messages.success(
            request,
            _(
                "Imported: %(create)s new, %(match)s matched, "
                "%(update)s updated, %(unchanged)s unchanged."
            )
            % summary,
        )
        return redirect("lac_session_detail", pk=lac.session_id)
    if lac.status in (LacImport.Status.QUEUED, LacImport.Status.IMPORTING):
        return redirect("lac_import_progress", pk=lac.pk)
    context = {"lac": lac, "shown": lac_import.shown_plan(lac), "watch": lac_import.watch(lac)}
    return render(request, "referrals/lac/preview.html", context)


@login_required
def lac_import_progress(request, pk: int):
    """How a list's check or import stands; htmx asks again every second while it runs."""
    lac = get_lac_import_for_user_or_404(request.user, pk, defer=("content", "checked"))
    watch = lac_import.watch(lac)
    template = "referrals/lac/_progress.html" if request.htmx else "referrals/lac/progress.html"
    response = render(request, template, {"lac": lac, "watch": watch})
    if request.htmx and watch.state == "ready":
        response["HX-Refresh"] = "true"  # the preview page now shows what will change
    return response


@login_required
@require_POST
def referral_open_case(request, pk: int):
    """From a referral to its case (opened now, or the one it already joined)."""
    from referrals.referrals.access import get_referral_for_user_or_404

    referral = get_referral_for_user_or_404(request.user, pk)
    if not can_change_arrears(request.user, referral.receiving_ocmw):
        raise Http404
    case = cases.open_case_from_referral(referral, actor=request.user)
    return redirect("case_detail", pk=case.pk)
