"""Security middleware: Content-Security-Policy on every response, and session time limits."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

AUTH_AT = "_auth_at"
SEEN_AT = "_seen_at"


class ContentSecurityPolicyMiddleware:
    """Adds the CSP header to HTML, PDF and spreadsheet responses alike.

    Scripts only from our own static files (no 'unsafe-inline'); styles allow inline
    attributes, which some templates use for layout; nothing is loaded from another host.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class SessionLimitsMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request and after
    SESSION_ABSOLUTE_SECONDS since login whatever the activity. The next request goes to login.
    (An administrator ends every session of a user with actionplan.services.end_sessions.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._expired(request):
            logout(request)
        elif user is not None and user.is_authenticated:
            now = int(time.time())
            # Write the session at most once a minute, not on every request.
            if now - request.session.get(SEEN_AT, 0) >= 60:
                request.session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> bool:
        session = request.session
        now = int(time.time())
        auth_at = session.get(AUTH_AT, now)
        seen_at = session.get(SEEN_AT, now)
        return (
            now - seen_at > settings.SESSION_IDLE_SECONDS
            or now - auth_at > settings.SESSION_ABSOLUTE_SECONDS
        )


@receiver(user_logged_in)
def _stamp_session(sender, request, user, **kwargs) -> None:
    """Record when the session started."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


class ThaiFirstMiddleware:
    """Thai unless the user chose another language (the language cookie or a session).

    Many office PCs run English browsers; without this, LocaleMiddleware would follow their
    Accept-Language header and show English to people who never asked for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
