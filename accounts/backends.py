from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from pcl.proxies import client_address

from .services import login_failure_record, login_failures_clear, login_is_locked


class ThrottledModelBackend(ModelBackend):
    """Email and password, refused once the email or the client's address has failed too often.

    The throttle lives here rather than in a form so that every way of signing in obeys it: the
    site's login page, the administration's (which leads there anyway) and the API to come.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        email = str(username)
        address = client_address(request) if request is not None else ""
        if login_is_locked(email=email, ip_address=address):
            # PermissionDenied stops Django from asking any other backend.
            raise PermissionDenied
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            login_failure_record(email=email, ip_address=address)
        else:
            login_failures_clear(email=email)
        return user
