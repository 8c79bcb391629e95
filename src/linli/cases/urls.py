from django.urls import path

from linli.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.xlsx", views.case_export, name="export"),
    path("report/", views.report, name="report"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("map/", views.case_map, name="map"),
    path("map.geojson", views.map_data, name="map_data"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("calendar/", views.calendar, name="calendar"),
    path("hotline/", views.hotline_import, name="hotline_import"),
    path("hotline/template.xlsx", views.hotline_template, name="hotline_template"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/contact/", views.reveal_contact, name="reveal_contact"),
    path("<int:case_id>/<str:action>/", views.act, name="act"),
]
