"""Channels where an agent types the request for the person: counter, phone, paper mail."""

from guichet.cases.channels import IntakeChannel, channels


@channels.register("counter")
class Counter(IntakeChannel):
    label = "accueil physique"
    filed_by_agent = True


@channels.register("phone")
class Phone(IntakeChannel):
    label = "téléphone"
    filed_by_agent = True


@channels.register("mail")
class PaperMail(IntakeChannel):
    label = "courrier"
    filed_by_agent = True
    needs_letter = True
