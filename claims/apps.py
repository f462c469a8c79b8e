from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-check desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from claims.api.authentication import end_logins_of_changed_user

        post_save.connect(end_logins_of_changed_user, sender=get_user_model())
