from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "setup"
    label = "setup"
    verbose_name = "ตั้งค่าสำนักงาน"
