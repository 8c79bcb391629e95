from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "linli.lib"
    label = "lib"
