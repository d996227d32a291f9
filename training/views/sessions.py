"""One session: plan, edit, publish, cancel, materials, attendance, evaluation, figures."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import Organisation
from partners.principal import as_principal
from portal.core.views import done, form_refusal, message_refusal
from training import access, services
from training.access import int_or_404
from training.figures import figures_for
from training.forms import (
    AttendanceForm,
    CancelSessionForm,
    EvaluationForm,
    MaterialForm,
    PracticalDetailsForm,
    SessionForm,
)
from training.models import Evaluation, Registration
from training.permissions import abilities_for, evaluating_organisation_ids


@login_required
def session_detail(request, pk: int):
    scope = as_principal(request.user)
    session = access.get_session_or_404(request.user, pk, scope)
    abilities = abilities_for(request.user, session)
    registrations = (
        Registration.objects.visible_to(request.user, scope)
        .filter(session=session)
        .select_related("organisation", "participant_user")
        .order_by("status", "created_at", "pk")
    )
    evaluations = Evaluation.objects.filter(session=session).select_related("organisation")
    if not abilities.organiser:
        evaluations = evaluations.filter(organisation_id__in=scope.organisation_ids)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "can": abilities,
            "registrations": registrations,
            "cohosts": session.cohosts.select_related("organisation"),
            "materials": session.materials.all(),
            "evaluations": evaluations,
            "material_form": MaterialForm(),
        },
    )


@login_required
def session_create(request):
    scope = as_principal(request.user)
    if not scope.planning_organisation_ids:
        raise PermissionDenied
    chosen = request.GET.get("organisation")
    if chosen is None and len(scope.planning_organisation_ids) > 1:
        organisations = Organisation.objects.filter(
            pk__in=scope.planning_organisation_ids
        ).order_by("name")
        return render(
            request, "training/choose_organisation.html", {"organisations": organisations}
        )
    organisation = access.get_planning_organisation_or_404(
        request.user,
        int_or_404(chosen) if chosen else next(iter(scope.planning_organisation_ids)),
        scope,
    )
    form = SessionForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            session = services.create_session(
                organisation,
                actor=request.user,
                cohosts=form.cleaned_data["cohosts"],
                **form.session_fields(),
            )
            messages.success(request, _("The session was saved as a draft. Publish it when ready."))
            return redirect("session_detail", pk=session.pk)
    return render(
        request, "training/session_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def session_edit(request, pk: int):
    session = access.get_editable_session_or_404(request.user, pk)
    form = SessionForm(
        request.POST or None,
        organisation=session.organisation,
        initial=SessionForm.initial_from(session),
    )
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.update_session(
                session,
                actor=request.user,
                version=form.cleaned_data["version"] or 0,
                changes=form.session_fields(),
                cohosts=form.cleaned_data["cohosts"],
            )
            messages.success(request, _("The session was saved."))
            return redirect("session_detail", pk=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "organisation": session.organisation, "session": session},
    )


@login_required
def session_practical(request, pk: int):
    session = access.get_practical_session_or_404(request.user, pk)
    form = PracticalDetailsForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.update_practical_details(session, actor=request.user, **form.edit())
            message = _("The practical information was saved.")
            return done(request, message, "session_detail", pk=session.pk)
    return render(request, "training/session_practical.html", {"session": session, "form": form})


@login_required
@require_POST
def session_publish(request, pk: int):
    session = access.get_editable_session_or_404(request.user, pk)
    with message_refusal(request):
        services.publish_session(session, actor=request.user)
        messages.success(request, _("The session is published: partners can register people."))
    return redirect("session_detail", pk=session.pk)


@login_required
def session_cancel(request, pk: int):
    session = access.get_editable_session_or_404(request.user, pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with message_refusal(request):
            services.cancel_session(session, actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("The session is cancelled. Everyone who registered people was told.")
            )
        return redirect("session_detail", pk=session.pk)
    return render(request, "training/session_cancel.html", {"session": session, "form": form})


@login_required
@require_POST
def material_add(request, pk: int):
    session = access.get_practical_session_or_404(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        with message_refusal(request):
            services.add_material(session, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The file was added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("session_detail", args=[session.pk]) + "#materials")


@login_required
def material_download(request, pk: int, material_pk: int):
    session = access.get_session_or_404(request.user, pk)
    material = access.get_material_or_404(request.user, session, material_pk)
    content_type = mimetypes.guess_type(material.filename)[0] or "application/octet-stream"
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.filename,
        content_type=content_type,
    )


@login_required
@require_POST
def material_delete(request, pk: int, material_pk: int):
    session = access.get_practical_session_or_404(request.user, pk)
    material = access.get_material_or_404(request.user, session, material_pk)
    services.remove_material(material, actor=request.user)
    messages.success(request, _("The file was removed."))
    return redirect(reverse("session_detail", args=[session.pk]) + "#materials")


@login_required
def session_attendance(request, pk: int):
    session = access.get_attendance_session_or_404(request.user, pk)
    registrations = session.registrations.for_attendance()
    form = AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.record_attendance(session, actor=request.user, **form.service_arguments())
            message = _("Attendance was saved. The session is marked as held.")
            return done(request, message, "session_detail", pk=session.pk)
    return render(request, "training/attendance.html", {"session": session, "form": form})


@login_required
def session_evaluation(request, pk: int):
    session = access.get_session_or_404(request.user, pk)
    organisation_ids = evaluating_organisation_ids(request.user, session)
    if not organisation_ids:
        raise PermissionDenied
    form = EvaluationForm(request.POST or None, organisation_ids=organisation_ids)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.submit_evaluation(session, actor=request.user, **form.cleaned_data)
            return done(request, _("Thank you for the evaluation."), "session_detail", pk=pk)
    return render(request, "training/evaluation.html", {"session": session, "form": form})


@login_required
def session_figures(request):
    scope = as_principal(request.user)
    chosen = request.GET.get("organisation")
    if not chosen and not scope.planning_organisation_ids:
        raise PermissionDenied
    organisation = access.get_planning_organisation_or_404(
        request.user, int_or_404(chosen) if chosen else min(scope.planning_organisation_ids), scope
    )
    this_year = timezone.localdate().year
    year = int_or_404(request.GET.get("year") or this_year)
    if not 2000 <= year <= this_year + 5:
        raise Http404
    return render(
        request,
        "training/figures.html",
        {
            "figures": figures_for(organisation, year),
            "organisations": Organisation.objects.filter(pk__in=scope.planning_organisation_ids),
            "years": range(this_year + 1, this_year - 5, -1),
        },
    )
