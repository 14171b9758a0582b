from django.http import Http404


def index(request):
    raise Http404


def commune_plan(request, insee_code):
    raise Http404


def plan_version(request, insee_code, version):
    raise Http404
