from django.urls import path, re_path

from tracebridge.sharing import taxii, views

COLLECTION = "taxii2/root/collections/<uuid:collection_id>/"
OBJECT_ID = r"(?P<object_id>[a-z0-9-]+--[0-9a-f-]{36})"

urlpatterns = [
    path("sharing/agreements/", views.agreements, name="sharing-agreements"),
    path("sharing/approvals/", views.approvals, name="sharing-approvals"),
    path("sharing/exports/", views.exports, name="sharing-exports"),
    path("taxii2/", taxii.discovery, name="taxii-discovery"),
    path("taxii2/root/", taxii.api_root, name="taxii-root"),
    path("taxii2/root/status/<uuid:status_id>/", taxii.status, name="taxii-status"),
    path("taxii2/root/collections/", taxii.collections, name="taxii-collections"),
    path(COLLECTION, taxii.collection, name="taxii-collection"),
    path(COLLECTION + "objects/", taxii.objects, name="taxii-objects"),
    path(COLLECTION + "manifest/", taxii.manifest, name="taxii-manifest"),
    re_path(
        r"^taxii2/root/collections/(?P<collection_id>[0-9a-f-]{36})/objects/" + OBJECT_ID + r"/$",
        taxii.object_detail,
        name="taxii-object",
    ),
    re_path(
        r"^taxii2/root/collections/(?P<collection_id>[0-9a-f-]{36})/objects/"
        + OBJECT_ID
        + r"/versions/$",
        taxii.versions,
        name="taxii-versions",
    ),
    # Anything else under /taxii2/ (malformed ids, unknown API roots) answers in TAXII's shape.
    re_path(r"^taxii2/(?P<rest>.*)$", taxii.fallback, name="taxii-fallback"),
]
