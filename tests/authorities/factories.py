"""Small hand-built territories, services, agents and authorities for the unit tests."""

import factory
from factory.django import DjangoModelFactory
from stdnum import luhn

from guichet.authorities.models import AgentMembership, Authority, Role
from guichet.catalogue.models import Category, Level, Service
from guichet.core.models import User
from guichet.territory.models import Commune, Departement, Intercommunality, Membership, Region


def valid_siren(first_eight: str) -> str:
    return first_eight + luhn.calc_check_digit(first_eight)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{90 + n % 9}")
    name = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(DjangoModelFactory):
    class Meta:
        model = Departement

    code = factory.Sequence(lambda n: f"{n % 900 + 100}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class IntercommunalityFactory(DjangoModelFactory):
    class Meta:
        model = Intercommunality

    siren = factory.Sequence(lambda n: valid_siren(f"2{n:07d}"))
    name = factory.Sequence(lambda n: f"Communauté {n}")
    kind = Intercommunality.Kind.CC


class CommuneFactory(DjangoModelFactory):
    """A current commune; pass `member_of=[epci, ...]` to make it a member."""

    class Meta:
        model = Commune
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"{n % 100000:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    siren = factory.Sequence(lambda n: valid_siren(f"21{n:06d}"))
    departement = factory.SubFactory(DepartementFactory)
    kind = Commune.Kind.CURRENT

    @factory.post_generation
    def member_of(self, create, intercommunalities, **kwargs):
        for intercommunality in intercommunalities or ():
            Membership.objects.create(commune=self, intercommunality=intercommunality)


class DelegatedCommuneFactory(CommuneFactory):
    """A commune déléguée: it shares its INSEE code with its commune nouvelle (`parent`)."""

    kind = Commune.Kind.DELEGATED
    siren = ""
    code = factory.SelfAttribute("parent.code")
    departement = factory.SelfAttribute("parent.departement")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    slug = "cadre-de-vie"
    name = "Cadre de vie"


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    kind = Service.Kind.INTERACTIVE
    category = factory.SubFactory(CategoryFactory)
    summary = "Un service de test."
    level = Level.COMMUNAL


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"agent{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")


class AuthorityFactory(DjangoModelFactory):
    """An authority row (tests of access); tests of creation go through `actions`."""

    class Meta:
        model = Authority

    slug = factory.Sequence(lambda n: f"collectivite-{n}")
    name = factory.Sequence(lambda n: f"Collectivité {n}")
    kind = Authority.Kind.OPERATOR
    operator_sector = "déchets"


class AgentMembershipFactory(DjangoModelFactory):
    class Meta:
        model = AgentMembership

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AuthorityFactory)
    role = Role.CASE_HANDLER
