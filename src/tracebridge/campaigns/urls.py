from django.urls import path

from tracebridge.campaigns import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="campaigns-dashboard"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<str:code>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<str:code>/graph.json", views.campaign_graph, name="campaign-graph"),
    path(
        "campaigns/<str:code>/soft-links/<int:link_id>/",
        views.soft_link_decide,
        name="campaign-soft-link",
    ),
    path("search/", views.search, name="campaign-search"),
    path("follows/", views.follows, name="campaign-follows"),
]
