from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "linli.cases"
    label = "cases"

    def ready(self) -> None:
        # Configuration read on every new case is cached per process; a change made in
        # this process (admin, shell, tests) is seen at once. Cache upkeep, not domain flow.
        from django.db.models.signals import post_delete, post_save

        from linli.cases.models import CalendarDay, Channel
        from linli.cases.services import channels_changed
        from linli.cases.workcal import calendar_changed

        def forget_calendar(**_kw: object) -> None:
            calendar_changed()

        def forget_channels(**_kw: object) -> None:
            channels_changed()

        for signal in (post_save, post_delete):
            signal.connect(forget_calendar, sender=CalendarDay, weak=False)
            signal.connect(forget_channels, sender=Channel, weak=False)
