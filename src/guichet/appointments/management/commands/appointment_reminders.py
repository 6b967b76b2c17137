"""`guichet appointment-reminders`: queue tomorrow's appointment reminders now."""

from django.core.management.base import BaseCommand

from guichet.appointments.reminders import queue_due_reminders


class Command(BaseCommand):
    help = "Met en file les rappels des rendez-vous de demain (sans doublon)."

    def handle(self, *args, **options):
        count = queue_due_reminders()
        self.stdout.write(f"{count} rappel(s) de rendez-vous mis en file.")
