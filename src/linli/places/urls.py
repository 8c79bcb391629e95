from django.urls import path

from linli.places import views

app_name = "places"
urlpatterns = [
    path("", views.area_list, name="area_list"),
    path("areas/<int:area_id>/", views.area_detail, name="area_detail"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("my-home/", views.my_household, name="my_household"),
]
