"""Shared fixtures: a small demo community and its people, one persona per role."""

from __future__ import annotations

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Static files straight from the apps and node_modules, as collectstatic would gather them.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Linli's data directory (a retrained triage model, say) per test, so a developer's
    own var/ never leaks into a test, nor one test into the next."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Per-process configuration caches must not outlive a test's rolled-back rows."""
    from linli.cases.services import channels_changed
    from linli.cases.workcal import calendar_changed
    from linli.triage.services import taxonomy_changed

    for forget in (channels_changed, calendar_changed, taxonomy_changed):
        forget()
    yield
    for forget in (channels_changed, calendar_changed, taxonomy_changed):
        forget()


class World:
    """The demo community at small size, with handles on the people and places tests need."""

    def __init__(self) -> None:
        from linli.accounts.models import User
        from linli.demo.builder import DEMO_ACCOUNTS

        self.users = {
            u.username: u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])
        }

    def __getattr__(self, name: str):  # persona by username: world.gridworker
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    from linli.demo.builder import build_demo

    # Without the demo cases: each case test makes the cases it needs.
    build_demo(households=1200, seed=7, progress=lambda _msg: None, cases=False)
    return World()
