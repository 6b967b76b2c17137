from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "guichet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from guichet.core import journal, refcache
        from guichet.notifications import outbox, tasks
        from guichet.notifications.models import MessageTemplate
        from guichet.notifications.transports.contrib import (  # noqa: F401
            generic_http,
            ovh_like,
        )

        journal.subscribe_in_transaction("request.", outbox.on_event)
        # A queued broadcast wakes the worker up (the Tasks API; ADR 0007).
        journal.subscribe_in_transaction("notification.broadcast_queued", tasks.wake_on_event)
        refcache.watch(MessageTemplate)  # read by every message queued (ADR 0010)
