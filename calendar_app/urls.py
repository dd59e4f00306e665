from django.urls import path

from calendar_app import views

app_name = "calendar"

urlpatterns = [
    path("calendar/", views.calendar_page, name="page"),
    path("calendar/partials/week/", views.week_partial, name="week"),
    path("calendar/partials/today/", views.today_partial, name="today"),
    path("calendar/posts/<uuid:pk>/retry/", views.retry_post, name="retry"),
    path("api/calendar-posts/", views.calendar_posts_api, name="api_posts"),
]
