from django.core.management.base import BaseCommand
from django.utils import translation

from motcua.units.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo province with one officer per role."

    def handle(self, *args, **options):
        logins = seed_demo()
        translation.activate("vi")
        self.stdout.write(f"Tài khoản mẫu / demo logins (mật khẩu / password: {DEMO_PASSWORD})")
        for login in logins:
            self.stdout.write(
                f"  {login.username:<12} {login.role.label!s:<28} {login.unit} — {login.agency}"
            )
