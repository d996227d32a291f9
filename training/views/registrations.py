"""Registering people for a session and cancelling registrations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import Organisation
from partners.principal import as_principal
from portal.core.views import form_refusal, message_refusal
from training import access, services
from training.forms import RegistrationForm
from training.models import Registration


@login_required
def session_register(request, pk: int):
    scope = as_principal(request.user)
    session = access.get_session_or_404(request.user, pk, scope)
    if not session.is_open_for_registration:
        messages.error(request, _("This session is not open for registration."))
        return redirect("session_detail", pk=session.pk)
    organisations = Organisation.objects.filter(pk__in=scope.organisation_ids).order_by("name")
    form = RegistrationForm(request.POST or None, organisations=organisations, session=session)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with form_refusal(form):
            registration = services.register_people(
                session,
                actor=request.user,
                organisation=data.pop("organisation"),
                kind=data.pop("kind"),
                places=data.pop("places") or 1,
                **data,
            )
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("Registered: there is a place."))
            else:
                messages.warning(
                    request,
                    _("The session is full: the registration is on the waiting list. "
                      "You will hear from us when a place becomes free."),
                )  # fmt: skip
            return redirect(reverse("session_detail", args=[session.pk]) + "#registrations")
    return render(request, "training/registration_form.html", {"session": session, "form": form})


@login_required
def registration_cancel(request, pk: int, registration_pk: int):
    session = access.get_session_or_404(request.user, pk)
    registration = access.get_registration_or_404(request.user, session, registration_pk)
    if request.method == "POST":
        with message_refusal(request):
            services.cancel_registration(registration, actor=request.user)
            messages.success(request, _("The registration is cancelled."))
        return redirect(reverse("session_detail", args=[session.pk]) + "#registrations")
    return render(
        request,
        "training/registration_cancel.html",
        {"session": session, "registration": registration},
    )
