from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in
        from django.contrib.auth.signals import user_logged_out

        from accounts.signals import cancel_deletion_on_sign_in, end_browser_credentials_on_sign_out

        user_logged_in.connect(cancel_deletion_on_sign_in, dispatch_uid="pikoshi_cancel_deletion")
        user_logged_out.connect(
            end_browser_credentials_on_sign_out, dispatch_uid="pikoshi_end_browser_credentials"
        )
