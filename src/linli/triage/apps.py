from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "linli.triage"
    label = "triage"
