from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.models import Team
from partners.principal import as_principal
from portal.core.pagination import page_of
from portal.core.views import form_refusal
from referrals.referrals import forms, services
from referrals.referrals.access import get_referral_for_user_or_404
from referrals.referrals.figures import default_period, organisations_for_figures, referral_figures
from referrals.referrals.filters import InboxFilter, SentFilter
from referrals.referrals.models import REFUSAL_EXPLAINED, Referral
from referrals.referrals.permissions import (
    coordinates_receiving_team,
    handles_arrears_of_receiver,
    is_receiver,
    is_referrer,
    referrer_sees_status,
)
from training.public import recent_sessions_visible_to

PAGE_SIZE = 25


@login_required
def my_referrals(request):
    """The referrer's list: their teams' referrals, status at a glance."""
    referrals = Referral.objects.sent_by(request.user).for_sent_list()
    shown = SentFilter(request.GET, queryset=referrals).qs.order_by("-created_at", "-pk")
    context = {
        "page": page_of(shown, request.GET.get("page"), size=PAGE_SIZE),
        "statuses": Referral.Status.choices,
        "status": request.GET.get("status", ""),
        "q": request.GET.get("q", "").strip(),
    }
    return render(request, "referrals/my_referrals.html", context)


@login_required
def inbox(request):
    """The OCMW team inbox: oldest unacknowledged first."""
    referrals = Referral.objects.inbox_of(request.user).for_inbox()
    shown = InboxFilter(request.GET, queryset=referrals, request=request).qs.oldest_waiting_first()
    context = {
        "page": page_of(shown, request.GET.get("page"), size=PAGE_SIZE),
        "params": request.GET,
        "reasons": Referral.Reason.choices,
    }
    return render(request, "referrals/inbox.html", context)


@login_required
def referral_new(request):
    teams = Team.objects.filter(pk__in=as_principal(request.user).team_ids, submits_referrals=True)
    if not teams.exists():
        raise PermissionDenied
    data = request.POST or None
    client_form = forms.ClientForm(data, prefix="client")
    referral_form = forms.ReferralForm(
        data, prefix="referral", teams=teams, sessions=recent_sessions_visible_to(request.user)
    )
    consent_form = forms.ConsentForm(data, prefix="consent")
    # Validate every form (not all() over a generator) so all errors show at once.
    results = [f.is_valid() for f in (client_form, referral_form, consent_form)]
    all_valid = request.method == "POST" and all(results)
    if all_valid:
        referral_data = dict(referral_form.cleaned_data)
        team = referral_data.pop("team")
        with form_refusal(referral_form):
            referral = services.create_referral(
                actor=request.user,
                team=team,
                client=client_form.cleaned_data,
                referral=referral_data,
                consent=consent_form.cleaned_for_submit(),
                submit="submit" in request.POST,
            )
            if referral.status == Referral.Status.SUBMITTED:
                messages.success(request, _sent(referral))
            else:
                messages.success(
                    request,
                    _("The draft %(ref)s was saved. It is not sent yet.")
                    % {"ref": referral.reference},
                )
            return redirect("referral_detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_new.html",
        {"client_form": client_form, "referral_form": referral_form, "consent_form": consent_form},
    )


@login_required
def referral_detail(request, pk: int):
    referral = get_referral_for_user_or_404(request.user, pk)
    if is_receiver(request.user, referral):
        return _receiver_detail(request, referral)
    if is_referrer(request.user, referral):
        return _referrer_detail(request, referral)
    raise Http404


def _referrer_detail(request, referral):
    context = {
        "referral": referral,
        "timeline": referral.timeline.filter(visible_to_referrer=True).select_related("actor"),
        "sees_status": referrer_sees_status(referral),
        "message_form": forms.PostMessageForm(),
        "version_form": forms.VersionForm(initial={"version": referral.version}),
        "can_withdraw": services.allowed(referral, "withdraw"),
        "can_submit": services.allowed(referral, "submit"),
        # (why, what the referrer can do next), for a referral not taken on.
        "refusal": REFUSAL_EXPLAINED.get(referral.refusal_reason)
        if referral.status == Referral.Status.REFUSED
        else None,
    }
    return render(request, "referrals/detail_referrer.html", context)


def _receiver_detail(request, referral, bound: dict | None = None):
    initial = {"version": referral.version}
    context = {
        "referral": referral,
        "timeline": referral.timeline.select_related("actor"),
        "duplicates": services.possible_duplicates(referral).select_related("client")[:5],
        "is_coordinator": coordinates_receiving_team(request.user, referral),
        # Only the arrears team learns that a case exists (or can open one).
        "arrears_team": handles_arrears_of_receiver(request.user, referral),
        "load": services.open_load(referral.receiving_team),
        "allowed": {action: services.allowed(referral, action) for action in services.TRANSITIONS},
        "forms": {
            "acknowledge": forms.VersionForm(initial=initial),
            "record_contact": forms.ContactForm(initial=initial),
            "plan_appointment": forms.AppointmentForm(initial=initial),
            "close": forms.CloseForm(initial=initial),
            "refuse": forms.RefuseForm(initial=initial),
            "transfer": forms.TransferForm(initial=initial, referral=referral),
            "assign": forms.AssignForm(initial=initial, referral=referral),
            "message": forms.PostMessageForm(),
        },
    }
    context["forms"].update(bound or {})
    for action, form in context["forms"].items():
        # Several action forms share field names: give each its own ids.
        form.auto_id = f"id_{action}_%s"
    status = 200 if not bound else 400
    return render(request, "referrals/detail_receiver.html", context, status=status)


ACTIONS = {
    # action: (form factory, service call)
    "acknowledge": (
        lambda data, r: forms.VersionForm(data),
        lambda r, u, d: services.acknowledge_referral(r, actor=u, version=d["version"]),
    ),
    "assign": (
        lambda data, r: forms.AssignForm(data, referral=r),
        lambda r, u, d: services.assign_referral(
            r, actor=u, worker=d["worker"], version=d["version"]
        ),
    ),
    "record_contact": (
        lambda data, r: forms.ContactForm(data),
        lambda r, u, d: services.record_contact(
            r, actor=u, version=d["version"], message=d["message"], share=d["share"]
        ),
    ),
    "plan_appointment": (
        lambda data, r: forms.AppointmentForm(data),
        lambda r, u, d: services.plan_appointment(
            r, actor=u, version=d["version"], at=d["at"], place=d["place"], message=d["message"]
        ),
    ),
    "close": (
        lambda data, r: forms.CloseForm(data),
        lambda r, u, d: services.close_referral(
            r, actor=u, version=d["version"], outcome=d["outcome"], message=d["message"]
        ),
    ),
    "refuse": (
        lambda data, r: forms.RefuseForm(data),
        lambda r, u, d: services.refuse_referral(
            r, actor=u, version=d["version"], reason=d["reason"], message=d["message"]
        ),
    ),
    "transfer": (
        lambda data, r: forms.TransferForm(data, referral=r),
        lambda r, u, d: services.transfer_referral(
            r, actor=u, version=d["version"], to_team=d["to_team"], message=d["message"]
        ),
    ),
    "message": (
        lambda data, r: forms.PostMessageForm(data),
        lambda r, u, d: services.post_message(
            r, actor=u, text=d["text"], visible_to_referrer=d["visible_to_referrer"]
        ),
    ),
    "submit": (
        lambda data, r: forms.VersionForm(data),
        lambda r, u, d: services.submit_referral(r, actor=u, version=d["version"]),
    ),
    "withdraw": (
        lambda data, r: forms.WithdrawForm(data),
        lambda r, u, d: services.withdraw_referral(
            r, actor=u, version=d["version"], message=d["message"]
        ),
    ),
    "withdraw_consent": (
        lambda data, r: forms.VersionForm(data),
        lambda r, u, d: services.withdraw_consent(r, actor=u, version=d["version"]),
    ),
}


@login_required
@require_POST
def referral_action(request, pk: int, action: str):
    """Every button on a referral posts here; the service decides if it is allowed."""
    referral = get_referral_for_user_or_404(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    make_form, call = ACTIONS[action]
    form = make_form(request.POST, referral)
    valid = form.is_valid()
    if valid:
        with form_refusal(form):
            call(referral, request.user, form.cleaned_data)
            messages.success(request, _action_done(action, referral, form.cleaned_data))
            if not Referral.objects.visible_to(request.user).filter(pk=referral.pk).exists():
                return redirect("referral_inbox")  # transferred to a team the person is not in
            return redirect("referral_detail", pk=referral.pk)
        # Refused: said on the form, if the page shows it again, and above the page.
        messages.error(request, form.non_field_errors()[0])
    if is_receiver(request.user, referral) and action in _receiver_forms():
        return _receiver_detail(request, referral, bound={action: form})
    if not valid:
        messages.error(request, _("Please check what you filled in."))
    return redirect("referral_detail", pk=referral.pk)


def _action_done(action: str, referral: Referral, data: dict) -> str:
    """What happened to which referral, said after an action."""
    ref = referral.reference
    if action == "assign":
        worker = data["worker"]
        return _("%(ref)s is assigned to %(name)s.") % {
            "ref": ref,
            "name": worker.full_name or worker.email,
        }
    if action == "plan_appointment":
        return _("The appointment of %(when)s at %(place)s is recorded on %(ref)s.") % {
            "ref": ref,
            "when": timezone.localtime(data["at"]).strftime("%d/%m/%Y %H:%M"),
            "place": data["place"],
        }
    if action == "close":
        return _("%(ref)s is closed: %(outcome)s.") % {
            "ref": ref,
            "outcome": dict(Referral.Outcome.choices)[data["outcome"]].lower(),
        }
    if action == "transfer":
        team = data["to_team"]
        return _("%(ref)s was passed on to %(team)s of %(organisation)s.") % {
            "ref": ref,
            "team": team.name,
            "organisation": team.organisation.name,
        }
    if action == "submit":
        referral.refresh_from_db(fields=["receiving_team", "receiving_ocmw"])
        return _sent(referral)
    said = {
        "acknowledge": _("You confirmed the receipt of %(ref)s."),
        "record_contact": _("The contact with the client is recorded on %(ref)s."),
        "refuse": _("%(ref)s is not taken on. The referring partner is told."),
        "message": _("Your message was added to %(ref)s."),
        "withdraw": _("%(ref)s was withdrawn."),
        "withdraw_consent": _("The client's consent for %(ref)s was withdrawn."),
    }
    return said[action] % {"ref": ref}


def _sent(referral: Referral) -> str:
    return _("%(ref)s was sent to %(team)s of %(ocmw)s.") % {
        "ref": referral.reference,
        "team": referral.receiving_team.name,
        "ocmw": referral.receiving_ocmw.name,
    }


def _receiver_forms() -> set[str]:
    return {
        "acknowledge",
        "assign",
        "record_contact",
        "plan_appointment",
        "close",
        "refuse",
        "transfer",
        "message",
    }


@login_required
def figures(request):
    """Referral figures for coordinators, for their own organisation only."""
    organisations = organisations_for_figures(request.user)
    if not organisations:
        raise PermissionDenied
    chosen = next(
        (o for o in organisations if str(o.pk) == request.GET.get("organisation")),
        organisations[0],
    )
    start, end = default_period(timezone.localdate())
    return render(
        request,
        "referrals/figures.html",
        {
            "organisations": organisations,
            "organisation": chosen,
            "figures": referral_figures(chosen, start=start, end=end),
            "start": start,
            "end": end,
            "status_labels": dict(Referral.Status.choices),
            "outcome_labels": dict(Referral.Outcome.choices),
        },
    )
