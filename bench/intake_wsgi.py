"""Linli's WSGI application with the benchmark's floor view added (see intake_floor.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

from django.conf import settings

settings.ROOT_URLCONF = "intake_floor"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
