"""The Django admin reads and takes dates in the Buddhist Era, like the rest of the app
(actionplan/admin_dates.py); machine formats stay as the standards say."""

from datetime import UTC, date, datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import dateformat, formats, timezone, translation

from actionplan.admin_dates import BEDateTimeField
from actionplan.forms import BEDateField
from projects.models import Project
from tests import factories as f
from tests.test_buddhist_era import ce_years, readable_text


def test_django_date_formats_print_the_be_year():
    day = date(2023, 10, 1)
    assert dateformat.format(day, "Y") == "2566"
    assert dateformat.format(day, "y") == "66"
    with translation.override("th"):
        assert formats.date_format(day, "DATE_FORMAT") == "1 ตุลาคม 2566"


def test_machine_formats_keep_their_standard_years():
    at = datetime(2023, 10, 1, 9, 30, tzinfo=UTC)
    assert dateformat.format(at, "c") == "2023-10-01T09:30:00+00:00"
    assert dateformat.format(at, "r") == "Sun, 01 Oct 2023 09:30:00 +0000"
    assert dateformat.format(at, "U") == str(int(at.timestamp()))


@pytest.fixture
def root(db):
    office = f.make_office("A")
    return f.make_superuser(office)


def test_admin_date_fields_take_a_be_date(rf, root):
    request = rf.get("/")
    request.user = root
    form_class = admin.site._registry[Project].get_form(request)
    field = form_class.base_fields["start_date"]
    assert isinstance(field, BEDateField)
    assert field.clean("01/10/2566") == date(2023, 10, 1)
    assert field.widget.format_value(date(2023, 10, 1)) == "01/10/2566"


def test_admin_date_times_take_a_be_date_and_a_time():
    field = BEDateTimeField()
    with timezone.override("Asia/Bangkok"):
        value = field.clean(["3/12/2569", "09:30"])
        assert timezone.localtime(value).replace(tzinfo=None) == datetime(2026, 12, 3, 9, 30)
        date_text, time_text = field.widget.decompress(value)
        assert field.widget.widgets[0].format_value(date_text) == "03/12/2569"


def test_a_project_change_page_shows_its_dates_in_be(client, root):
    plan = f.make_plan(root.office, 2567)
    project = f.make_project(plan)
    project.start_date, project.end_date = date(2023, 10, 1), date(2024, 9, 30)
    project.save()
    client.force_login(root)
    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    html = page.content.decode()
    assert 'value="01/10/2566"' in html and 'value="30/09/2567"' in html
    assert ce_years(readable_text(html)) == []
