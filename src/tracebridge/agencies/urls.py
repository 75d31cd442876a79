from django.contrib.auth import views as auth_views
from django.urls import path

from tracebridge.agencies import views

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
]
