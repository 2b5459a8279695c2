"""Authentication backend that loads the user with their office, group and person in one query."""

from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend

from actionplan.models import User

# Figures about the user that every page shows, counted in the same query as the user: name ->
# a callable returning the expression. Apps above this one register theirs in
# AppConfig.ready() (workflow: `unread_notification_count`, the nav's badge).
USER_ANNOTATIONS: dict[str, Callable] = {}


class UserBackend(ModelBackend):
    """Every page shows the user's name and office; fetch them with the user, not after."""

    def get_user(self, user_id):
        try:
            user = (
                User.objects.select_related("office", "org_unit", "person")
                .annotate(**{name: make() for name, make in USER_ANNOTATIONS.items()})
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
