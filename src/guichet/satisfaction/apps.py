from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "guichet.satisfaction"
    label = "satisfaction"
    verbose_name = "Satisfaction"

    def ready(self) -> None:
        from guichet.cases import events as case_events
        from guichet.core import journal
        from guichet.satisfaction.listeners import on_status_changed

        journal.subscribe(case_events.STATUS_CHANGED, on_status_changed)
