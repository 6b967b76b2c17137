import factory
from stdnum import luhn

from guichet.core.models import User
from guichet.people.models import (
    Household,
    Identity,
    Organisation,
    Person,
    Verification,
)
from guichet.territory.models import Commune

# The town hall of Sceaux (Hauts-de-Seine): a real SIREN, completed with valid NICs.
SCEAUX_SIREN = "219200714"


def sceaux_siret(establishment: int) -> str:
    head = f"{SCEAUX_SIREN}{establishment:04d}"
    return head + luhn.calc_check_digit(head)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"{92000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Foyer {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    person = factory.SubFactory(PersonFactory)
    kind = Identity.Kind.EMAIL
    value = factory.Sequence(lambda n: f"usager{n}@example.fr")
    verification = Verification.DECLARED


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.ASSOCIATION
    name = factory.Sequence(lambda n: f"Association n° {n}")


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"agent{n}")
