from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the worker:
# keep it out of the garbage collector's full passes, which otherwise scan it every few
# requests and add tens of milliseconds to a page that builds many objects.
gc.freeze()
