from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutuality.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from mutuality.accounts.middleware import record_login_time
        from mutuality.accounts.services import api_tokens_revoke_for_leavers
        from mutuality.core.navigation import NavItem, register
        from mutuality.orgs import departures

        user_logged_in.connect(record_login_time, dispatch_uid="mutuality_record_login_time")
        # People who leave an organization lose their API tokens there at once.
        departures.register(api_tokens_revoke_for_leavers)
        register(NavItem(label="API tokens", url_name="settings:tokens", order=20, menu="user"))
