from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "guichet.contracts"
    label = "contracts"
    verbose_name = "Pilotage : contrats de délégation, indicateurs, notes aux élus"
