from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "glabella.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # The one accepted use of signals: sign-ins happen inside django.contrib.auth,
        # which has no service of ours to write the event.
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import services

        user_logged_in.connect(services.record_sign_in, dispatch_uid="audit.sign_in")
        user_login_failed.connect(
            services.record_failed_sign_in, dispatch_uid="audit.sign_in_failed"
        )
