from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SetupConfig(AppConfig):
    name = "setup"
    label = "setup"
    verbose_name = _("ตั้งค่าสำนักงาน")
