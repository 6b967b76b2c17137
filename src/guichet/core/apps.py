from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "guichet.core"
    label = "core"
    verbose_name = "Plateforme"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from guichet.core.lockouts import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="guichet.core.lockouts")

        from django.core import checks

        from guichet.core import theme

        checks.register(theme.check_settings)
