"""URL map of a node: each app's pages, the API, admin, i18n."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from tracebridge.api import api, not_found
from tracebridge.wiring import app_modules


def _app_urls() -> list[URLPattern | URLResolver]:
    return [path("", include(module)) for _, module in app_modules("urls")]


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", not_found, name="api-not-found"),
    *_app_urls(),
]
