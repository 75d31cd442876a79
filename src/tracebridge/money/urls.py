from django.urls import path

from tracebridge.money import views

urlpatterns = [
    path("money/trails/", views.trails, name="money-trails"),
    path("money/trails/upload/", views.upload, name="money-upload"),
    path("money/holds/", views.hold_list, name="money-holds"),
    path("money/holds/new/", views.hold_create, name="money-hold-create"),
    path("money/holds/<str:reference>/", views.hold_detail, name="money-hold"),
    path("money/registry/", views.registry_page, name="money-registry"),
    path("money/registry.csv", views.registry_csv, name="money-registry-csv"),
    path("money/registry/scan/", views.registry_scan, name="money-registry-scan"),
]
