"""The JSON API's plumbing, shared by every app's router (the API itself: mutuality/api.py).

- `errors`: every refusal as `{"detail": ..., "errors": {"field": [...]}}`, the handlers
  that produce it, and `fields_named` to give a service's field errors the names a client
  sent;
- `schemas`: the field types every input uses (ids, bounded text, limit and offset) and
  the error and input base schemas;
- paging (`mutuality.core.paging`, shared with the pages): a list's page with its capped count;
- `references`: ids sent in a body turned into the caller's objects, through selectors,
  with a field error naming each bad one.

Authentication (personal API tokens) is the accounts app's: `mutuality.accounts.api_auth`.
"""
