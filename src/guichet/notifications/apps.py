from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "guichet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from guichet.core import journal
        from guichet.notifications import outbox
        from guichet.notifications.transports.contrib import (  # noqa: F401
            generic_http,
            ovh_like,
        )

        journal.subscribe_in_transaction("request.", outbox.on_event)
