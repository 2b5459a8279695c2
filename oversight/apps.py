from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("ภาพรวมเหนือระดับสำนักงาน")
    default_auto_field = "django.db.models.BigAutoField"
