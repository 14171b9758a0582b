"""Evaluation dashboards (network and commune). Placeholder: being written."""

urlpatterns = []
