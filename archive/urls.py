from django.urls import path

from archive import views

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<str:date>/", views.issue_detail, name="issue"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]
