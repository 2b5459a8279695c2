from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "นำเข้า/ส่งออกข้อมูล"
