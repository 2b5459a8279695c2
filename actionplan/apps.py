from django.apps import AppConfig


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "แผนปฏิบัติการ"

    def ready(self):
        from actionplan.admin_dates import be_date_formats, thai_lockout_names

        be_date_formats()
        thai_lockout_names()
