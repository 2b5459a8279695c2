"""Authentication backend that loads the user with their office, group and person in one query."""

from django.contrib.auth.backends import ModelBackend

from actionplan.models import User


class UserBackend(ModelBackend):
    """Every page shows the user's name and office; fetch them with the user, not after."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("office", "org_unit", "person").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
