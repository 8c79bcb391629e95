from django.urls import path

from linli.places import views

app_name = "places"
urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("areas/<int:area_id>/", views.area_detail, name="area_detail"),
    path("areas/<int:area_id>/households.xlsx", views.area_export, name="area_export"),
    path("buildings/<int:building_id>/", views.building_detail, name="building_detail"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("households/<int:household_id>/residents/new/", views.resident_add, name="resident_add"),
    path("residents/<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:resident_id>/reveal/", views.resident_reveal_view, name="resident_reveal"),
    path("my-home/", views.my_household, name="my_household"),
    path("search/", views.search, name="search"),
    path("coverage/", views.coverage, name="coverage"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:run_id>/apply/", views.import_apply, name="import_apply"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
]
