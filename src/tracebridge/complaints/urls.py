from django.urls import path

from tracebridge.complaints import public_views, views

urlpatterns = [
    path("report/", public_views.report, name="report"),
    path("report/districts/", public_views.report_districts, name="report-districts"),
    path("report/done/", public_views.report_done, name="report-done"),
    path("report/lookup/", public_views.report_lookup, name="report-lookup"),
    path("complaints/", views.complaint_list, name="complaint-list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path(
        "complaints/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="complaint-attachment",
    ),
    path("complaints/<int:pk>/status/", views.report_status, name="complaint-report-status"),
]
