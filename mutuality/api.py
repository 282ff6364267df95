"""The JSON API under /api/v1/: one NinjaAPI, the routers of every app, uniform errors.

Like urls.py, this module sits above every app and only assembles them: each app keeps
its operations in its own `api.py` Router; the error shape and the shared field types come
from `mutuality.core.api`, authentication from `mutuality.accounts.api_auth`.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from mutuality.accounts.api_auth import TokenAuth, docs_access
from mutuality.commitments.commitments.api import router as commitments_router
from mutuality.commitments.issues.api import router as issues_router
from mutuality.commitments.ledger.api import router as ledger_router
from mutuality.core.api import errors
from mutuality.orgs.api import router as orgs_router

api = NinjaAPI(
    title="Mutuality API",
    version="1",
    description=(
        "Every endpoint acts in the organization of the personal API token sent as "
        "`Authorization: Bearer <token>`. Create tokens under Settings → API tokens. "
        'Errors are JSON: `{"detail": "…", "errors": {"field": ["message"]}}` '
        "(`errors` on 422 only). Lists return `{count, count_is_exact, limit, offset, items}`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    # Swagger UI's bundle is served from ninja's static folder (no CDN). Its default spec
    # validator is an outside service (validator.swagger.io): switched off.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=docs_access,
)
errors.install(api)

api.add_router("/", orgs_router)
api.add_router("/", commitments_router)
api.add_router("/", issues_router)
api.add_router("/", ledger_router)
