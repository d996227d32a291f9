"""Venues of the person's organisations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from partners.models import Organisation
from portal.core.views import done, form_refusal
from training import access, services
from training.forms import VenueForm
from training.models import Venue


@login_required
def venue_list(request):
    own = request.principal.organisation_ids
    context = {
        "venues": Venue.objects.of_organisations(own),
        "organisations": Organisation.objects.filter(pk__in=own).order_by("name"),
    }
    return render(request, "training/venues.html", context)


@login_required
def venue_create(request, organisation_pk: int):
    organisation = access.get_venue_organisation_or_404(request.user, organisation_pk)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.create_venue(organisation, actor=request.user, **form.changes())
            return done(request, _("The venue was added."), "venue_list")
    return render(request, "training/venue_form.html", {"form": form, "organisation": organisation})


@login_required
def venue_edit(request, pk: int):
    venue = access.get_managed_venue_or_404(request.user, pk)
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        with form_refusal(form):
            services.update_venue(venue, actor=request.user, **form.edit())
            return done(request, _("The venue was saved."), "venue_list")
    context = {"form": form, "organisation": venue.organisation, "venue": venue}
    return render(request, "training/venue_form.html", context)
