import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def run_deliveries_at_once(settings):
    """The delivery job runs in the test's process (production queues it for run_worker);
    delayed retries are sent by services.send_due, as `retry_deliveries` does."""
    settings.TASKS = IMMEDIATE
