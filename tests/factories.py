"""factory_boy factories for the partner network and accounts."""

from datetime import date

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from partners.models import Agreement, Membership, Municipality, Organisation, Postcode, Team
from portal.core.models import User

PASSWORD = "a-good-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="nl_BE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["nis_code"]

    nis_code = factory.Sequence(lambda n: f"{90000 + n}")
    name_nl = factory.Sequence(lambda n: f"Gemeente {n}")
    valid_from = date(2019, 1, 1)


class PostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Postcode

    code = factory.Sequence(lambda n: f"{1000 + n % 8999}")
    name = factory.Sequence(lambda n: f"Plaats {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.NEIGHBOURHOOD
    postcode = factory.SubFactory(PostcodeFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    group = factory.LazyAttributeSequence(
        lambda o, n: Group.objects.create(name=f"test-team-{n}-{o.name}")
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER

    @factory.post_generation
    def in_group(obj, create, extracted, **kwargs):
        if create:
            obj.team.group.user_set.add(obj.user)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    ocmw = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.OCMW)
    partner = factory.SubFactory(OrganisationFactory)
    may_refer = True
    valid_from = date(2020, 1, 1)
    proposed_by = factory.SelfAttribute("ocmw")
    confirmed_at = factory.LazyFunction(timezone.now)
