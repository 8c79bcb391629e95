from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from linli.accounts.views import home
from linli.api.api import api
from linli.lib.views import favicon, healthz

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("linli.open311.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("linli.accounts.urls")),
    path("places/", include("linli.places.urls")),
    path("cases/", include("linli.cases.urls")),
    path("admin/", admin.site.urls),
]
