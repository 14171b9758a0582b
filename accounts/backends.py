from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from pcl.proxies import client_address

from .models import AuditAction
from .services import audit_record, login_failure_record, login_failures_clear, login_is_locked


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
            locked = login_failure_record(email=email, ip_address=address)
            # The email tried and the address, never the password. Attempts refused while locked
            # are not recorded one by one: the lockout is, once, which bounds what a flood writes.
            audit_record(action=AuditAction.SIGN_IN_FAILED, target=email, ip_address=address)
            if locked:
                audit_record(
                    action=AuditAction.LOCKOUT,
                    target=email,
                    ip_address=address,
                    details={"locked": locked, "seconds": settings.LOGIN_LOCKOUT_SECONDS},
                )
        else:
            login_failures_clear(email=email)
        return user
