from django.urls import path

from tracebridge.portal import views

urlpatterns = [path("", views.landing, name="landing")]
