from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = _("การส่งการแจ้งเตือน")
    default_auto_field = "django.db.models.BigAutoField"
