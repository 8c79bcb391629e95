from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from linli.accounts.models import Role, RoleAssignment, User
from linli.demo.builder import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Print the site's URL and the demo accounts, one per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, url: str, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Linli is running at {url}"))
        usernames = [u for u, _r, _p in DEMO_ACCOUNTS]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        if not users:
            self.stdout.write("(no demo accounts in this database)")
            return
        places = {
            a.user_id: a.area.name if a.area else ""
            for a in RoleAssignment.objects.filter(user__in=users.values()).select_related("area")
        }
        self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for username, role, _place in DEMO_ACCOUNTS:
            user = users.get(username)
            if user is None:
                continue
            label = str(Role(role).label)
            self.stdout.write(
                f"  {username:<13} {label:<20} {user.full_name} {places.get(user.pk, '')}"
            )
        self.stdout.write("Press Ctrl+C to stop.")
