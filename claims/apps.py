from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-check desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from claims.api.authentication import revoke_tokens_on_password_change

        post_save.connect(revoke_tokens_on_password_change, sender=get_user_model())
