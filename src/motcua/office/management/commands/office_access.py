"""``manage.py office_access unlock|reset-2fa USERNAME``: lift a login lock, or forget a
lost authenticator so the next login enrols a new one."""

from django.core.management.base import BaseCommand, CommandError

from motcua.office import auth
from motcua.office.models import LoginThrottle
from motcua.units.models import User


class Command(BaseCommand):
    help = "Unlock a username locked after failed logins, or reset an officer's authenticator."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["unlock", "reset-2fa"])
        parser.add_argument("username")

    def handle(self, *args, action: str, username: str, **options):
        if action == "unlock":
            removed, _ = LoginThrottle.objects.filter(username=username.lower()).delete()
            self.stdout.write(f"{username}: {removed} lock(s) lifted.")
            return
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        auth.device_reset(user)
        self.stdout.write(f"{username}: authenticator reset; the next login enrols a new one.")
