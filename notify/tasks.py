"""The background job that sends deliveries (django-tasks; queued by services.announce)."""

from django_tasks import task

from notify import services
from notify.models import Delivery


@task()
def deliver(ids: list[int]) -> int:
    deliveries = Delivery.objects.select_related("line_target").filter(pk__in=ids).order_by("pk")
    return sum(services.attempt(d) for d in deliveries)
