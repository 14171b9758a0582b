from .views import dashboards, documents, letters, territories

app_name = "reporting"

urlpatterns = [
    *dashboards.urlpatterns,
    *documents.urlpatterns,
    *letters.urlpatterns,
    *territories.urlpatterns,
]
