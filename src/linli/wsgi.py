import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
application = get_wsgi_application()


def _warm_triage() -> None:
    """Load the triage model and jieba's dictionary while the server starts, not while the
    first resident waits for their report to go through (about three seconds)."""
    from linli.triage.classifier import current_model

    current_model().propose("楼道灯不亮")


threading.Thread(target=_warm_triage, name="warm-triage", daemon=True).start()
