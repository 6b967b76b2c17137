from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "guichet.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from guichet.channels import inbound_mail
        from guichet.core import journal, refcache
        from guichet.notifications import appointments, bounces, followers, outbox, tasks
        from guichet.notifications.models import MessageTemplate
        from guichet.notifications.transports.contrib import (  # noqa: F401
            generic_http,
            ovh_like,
        )

        journal.subscribe_in_transaction("request.", outbox.on_event)
        # the followers of a request get its progress too (issue 16)
        journal.subscribe_in_transaction("request.", followers.on_event)
        journal.subscribe_in_transaction("appointment.", appointments.on_event)
        # A bounce received by the inbound e-mail channel marks the message it reports.
        if bounces.record_bounce_report not in inbound_mail.bounce_readers:
            inbound_mail.bounce_readers.append(bounces.record_bounce_report)
        # A queued broadcast wakes the worker up (the Tasks API; ADR 0007).
        journal.subscribe_in_transaction("notification.broadcast_queued", tasks.wake_on_event)
        refcache.watch(MessageTemplate)  # read by every message queued (ADR 0010)
