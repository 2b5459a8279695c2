from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = _("เผยแพร่แผนต่อสาธารณะ")
    default_auto_field = "django.db.models.BigAutoField"
