from django.urls import path

from tracebridge.telecom import views

urlpatterns = [
    path("robocalls/", views.robocalls, name="telecom-robocalls"),
    path("robocalls/<str:campaign_id>/", views.robocall_detail, name="telecom-robocall"),
    path("traceback/", views.traceback_list, name="telecom-traceback"),
    path("traceback/open/", views.traceback_open, name="telecom-traceback-open"),
    path("traceback/<str:reference>/", views.traceback_detail, name="telecom-traceback-detail"),
]
