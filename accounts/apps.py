from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from accounts.signals import cancel_deletion_on_sign_in

        user_logged_in.connect(cancel_deletion_on_sign_in, dispatch_uid="pikoshi_cancel_deletion")
