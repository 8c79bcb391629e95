from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.lib.errors import DomainError
from linli.open311.services import open311_client_create
from linli.places.models import Area


class Command(BaseCommand):
    help = (
        "Issue an Open311 API key to a named client. The key is printed on the last line "
        "and is not kept in readable form: store it now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who the key is for, e.g. 'City dashboard'")
        parser.add_argument(
            "--area", type=int, help="id of the area the client may report in (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        area = None
        if options["area"] is not None:
            area = Area.objects.filter(pk=options["area"]).first()
            if area is None:
                raise CommandError(f"no area with id {options['area']}")
        try:
            client, key = open311_client_create(name=options["name"], area=area)
        except DomainError as error:
            raise CommandError(error.message) from None
        where = f" (reports only in {area})" if area else ""
        self.stdout.write(f"Open311 client '{client.name}' created{where}. Its API key:")
        self.stdout.write(key)
