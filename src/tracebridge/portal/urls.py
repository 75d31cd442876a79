from django.urls import path

from tracebridge.portal import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("check/", views.check, name="check"),
    path("learn/", views.learn_index, name="learn"),
    path("learn/<slug:slug>/", views.learn_topic, name="learn-topic"),
    path("stats/", views.statistics, name="statistics"),
    path("stats.csv", views.statistics_csv, name="statistics-csv"),
]
