from django.contrib.auth import views as auth_views
from django.urls import path

from tracebridge.agencies import admin_views, views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="agencies/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit.csv", views.audit_csv, name="audit-csv"),
    path("agency/users/", admin_views.users, name="agency-users"),
    path("agency/users/<str:username>/", admin_views.user_change, name="agency-user-change"),
    path("agency/tokens/", admin_views.tokens, name="agency-tokens"),
    path(
        "agency/tokens/<str:prefix>/revoke/", admin_views.token_revoke, name="agency-token-revoke"
    ),
]
