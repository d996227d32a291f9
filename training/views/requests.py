"""Requests from partners for a session at their venue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import Organisation
from partners.principal import as_principal
from portal.core.pagination import page_of
from portal.core.views import form_refusal, message_refusal
from training import access, services
from training.access import int_or_404
from training.forms import DeclineRequestForm, SessionForm, SessionRequestForm
from training.models import Session, SessionRequest
from training.permissions import can_decide_request, can_withdraw_request, ocmws_to_ask

PAGE_SIZE = 20


@login_required
def request_list(request):
    scope = request.principal
    requests = SessionRequest.objects.visible_to(request.user, scope).for_list()
    context = {
        "page": page_of(requests, request.GET.get("page"), size=PAGE_SIZE),
        "planning_ids": scope.planning_organisation_ids,
        "is_member": scope.is_member,
    }
    return render(request, "training/request_list.html", context)


@login_required
def request_create(request):
    scope = as_principal(request.user)
    if not scope.is_member:
        raise Http404
    chosen = request.GET.get("organisation")
    if chosen is None and len(scope.organisation_ids) > 1:
        organisations = Organisation.objects.filter(pk__in=scope.organisation_ids).order_by("name")
        return render(
            request,
            "training/choose_organisation.html",
            {"organisations": organisations, "for_request": True},
        )
    organisation = access.get_member_organisation_or_404(
        request.user, int_or_404(chosen) if chosen else next(iter(scope.organisation_ids)), scope
    )
    ocmws = ocmws_to_ask(organisation)
    form = SessionRequestForm(request.POST or None, organisation=organisation, ocmws=ocmws)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            sent = services.request_session(organisation, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Your request was sent. The OCMW will answer it here."))
            return redirect("session_request_detail", pk=sent.pk)
    return render(
        request,
        "training/request_form.html",
        {"form": form, "organisation": organisation, "has_ocmws": ocmws.exists()},
    )


@login_required
def request_detail(request, pk: int):
    session_request = access.get_request_or_404(request.user, pk)
    context = {
        "session_request": session_request,
        "session": Session.objects.visible_to(request.user)
        .filter(pk=session_request.session_id)
        .first(),
        "can_decide": can_decide_request(request.user, session_request),
        "can_withdraw": can_withdraw_request(request.user, session_request),
    }
    return render(request, "training/request_detail.html", context)


@login_required
def request_plan(request, pk: int):
    session_request = access.get_decidable_request_or_404(request.user, pk)
    organisation = session_request.ocmw
    initial = {
        "topics": session_request.topics,
        "other_topic": session_request.other_topic,
        "audience": session_request.audience,
        "venue": session_request.venue_id,
        "date": session_request.preferred_from,
        "capacity": session_request.expected_people,
    }
    form = SessionForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            session = services.plan_requested_session(
                session_request,
                actor=request.user,
                cohosts=form.cleaned_data["cohosts"],
                **form.session_fields(),
            )
            messages.success(request, _("The session is planned as a draft; the partner was told."))
            return redirect("session_detail", pk=session.pk)
    if request.method == "GET" and session_request.status != SessionRequest.Status.OPEN:
        messages.error(request, _("This request has already been answered or withdrawn."))
        return redirect("session_request_detail", pk=session_request.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "organisation": organisation, "session_request": session_request},
    )


@login_required
def request_decline(request, pk: int):
    session_request = access.get_decidable_request_or_404(request.user, pk)
    form = DeclineRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with message_refusal(request):
            services.decline_session_request(
                session_request, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("The request was declined; the partner was told."))
        return redirect("session_request_detail", pk=pk)
    context = {"session_request": session_request, "form": form}
    return render(request, "training/request_decline.html", context)


@login_required
@require_POST
def request_withdraw(request, pk: int):
    session_request = access.get_request_or_404(request.user, pk)
    with message_refusal(request):
        services.withdraw_session_request(session_request, actor=request.user)
        messages.success(request, _("Your request was withdrawn."))
    return redirect("session_request_detail", pk=session_request.pk)
