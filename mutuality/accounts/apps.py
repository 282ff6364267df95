from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutuality.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from mutuality.accounts.middleware import record_login_time

        user_logged_in.connect(record_login_time, dispatch_uid="mutuality_record_login_time")
