"""`guichet appointment-reminders`: queue tomorrow's appointment reminders now."""

from django.core.management.base import BaseCommand

from guichet.appointments.reminders import queue_due_reminders
from guichet.core.plurals import ngettext


class Command(BaseCommand):
    help = "Met en file les rappels des rendez-vous de demain (sans doublon)."

    def handle(self, *args, **options):
        count = queue_due_reminders()
        self.stdout.write(
            ngettext(
                "%(n)d rappel de rendez-vous mis en file.",
                "%(n)d rappels de rendez-vous mis en file.",
                count,
            )
            % {"n": count}
        )
