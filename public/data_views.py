"""The open observatory and the open data (stubs until written)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


observatory = open_data = dataset_file = plan_file = _missing
