from django.urls import re_path

from linli.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>[a-zA-Z0-9]{1,10})$"
urlpatterns = [
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,80}?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<case_id>[^/]{1,40}?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,80}?)" + FMT, views.token, name="token"),
]
