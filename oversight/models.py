"""Who sees which offices from above (issue 20): a regional or national user's coverage."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from actionplan.models import Office


class Coverage(models.Model):
    """The offices an oversight user (Role.OVERSIGHT) sees: all of them (national: OBEC), or
    the listed ones (a region, an inspection zone, a province)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coverage"
    )
    name_th = models.CharField(_("ชื่อพื้นที่ที่ดูแล"), max_length=200)
    is_national = models.BooleanField(_("ทุกสำนักงานทั่วประเทศ"), default=False)
    offices = models.ManyToManyField(
        Office, blank=True, related_name="+", verbose_name=_("สำนักงาน")
    )

    class Meta:
        verbose_name = _("พื้นที่ที่ดูแล")
        verbose_name_plural = _("พื้นที่ที่ดูแล")

    def __str__(self) -> str:
        return self.name_th

    def office_queryset(self):
        return Office.objects.all() if self.is_national else self.offices.all()
