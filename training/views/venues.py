"""Venues of the person's organisations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partners.models import Organisation
from partners.principal import as_principal
from portal.core.views import form_refusal
from training import access, services
from training.forms import VenueForm
from training.models import Venue


@login_required
def venue_list(request):
    scope = as_principal(request.user)
    venues = (
        Venue.objects.filter(organisation_id__in=scope.organisation_ids)
        .select_related("organisation", "postcode")
        .order_by("organisation__name", "name")
    )
    organisations = Organisation.objects.filter(pk__in=scope.organisation_ids).order_by("name")
    return render(
        request, "training/venues.html", {"venues": venues, "organisations": organisations}
    )


@login_required
def venue_create(request, organisation_pk: int):
    organisation = access.get_venue_organisation_or_404(request.user, organisation_pk)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        with form_refusal(form):
            services.create_venue(organisation, actor=request.user, **data)
            messages.success(request, _("The venue was added."))
            return redirect("venue_list")
    return render(request, "training/venue_form.html", {"form": form, "organisation": organisation})


@login_required
def venue_edit(request, pk: int):
    venue = access.get_managed_venue_or_404(request.user, pk)
    form = VenueForm(request.POST or None, instance=venue, initial={"version": venue.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        with form_refusal(form):
            services.update_venue(venue, actor=request.user, version=version, changes=data)
            messages.success(request, _("The venue was saved."))
            return redirect("venue_list")
    return render(
        request,
        "training/venue_form.html",
        {"form": form, "organisation": venue.organisation, "venue": venue},
    )
