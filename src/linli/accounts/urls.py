from django.urls import path

from linli.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/", views.people, name="people"),
    path("people/roles/<int:assignment_id>/remove/", views.role_remove, name="role_remove"),
    path("audit/", views.audit, name="audit"),
]
