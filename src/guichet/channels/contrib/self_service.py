"""Channels where the person (or their application) files the request themselves."""

from guichet.cases.channels import IntakeChannel, channels


@channels.register("web")
class Web(IntakeChannel):
    label = "portail web"


@channels.register("api")
class Api(IntakeChannel):
    label = "API"


@channels.register("open311")
class Open311(IntakeChannel):
    label = "Open311"


@channels.register("email")
class Email(IntakeChannel):
    label = "courriel"


@channels.register("sms")
class Sms(IntakeChannel):
    label = "SMS"
