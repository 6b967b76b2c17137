from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PeopleConfig(AppConfig):
    name = "guichet.people"
    label = "people"
    verbose_name = "Usagers (fiche citoyen)"

    def ready(self) -> None:
        from guichet.people.models import Consent, Identity, NotificationPreference
        from guichet.people.selectors import choices_written

        # Any saved choice voids the notification choices remembered for a new person.
        for model in (Consent, Identity, NotificationPreference):
            for signal in (post_save, post_delete):
                signal.connect(choices_written, sender=model, dispatch_uid=f"choices-{model}")
