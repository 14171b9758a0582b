from .views import dashboards, documents, letters

app_name = "reporting"

urlpatterns = [*dashboards.urlpatterns, *documents.urlpatterns, *letters.urlpatterns]
