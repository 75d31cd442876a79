from django.urls import path

from tracebridge.witness import views

urlpatterns = [path("witness/", views.overview, name="witness")]
