from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TriageConfig(AppConfig):
    name = "linli.triage"
    label = "triage"

    def ready(self) -> None:
        from linli.triage.models import SubCategory, TaxonomyCategory
        from linli.triage.services import taxonomy_changed

        for model in (TaxonomyCategory, SubCategory):
            post_save.connect(taxonomy_changed, sender=model, dispatch_uid=f"taxonomy-{model}")
            post_delete.connect(taxonomy_changed, sender=model, dispatch_uid=f"taxonomy-d{model}")
