from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "guichet.triage"
    label = "triage"
    verbose_name = "Tri des demandes en texte libre"

    def ready(self) -> None:
        from guichet.cases import events as case_events
        from guichet.core import journal
        from guichet.triage.listeners import on_request_received

        journal.subscribe(case_events.RECEIVED, on_request_received)
