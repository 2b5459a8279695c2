from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    """The teacher and staff development plan's own parts (issue 18): the needs survey, target
    groups, development methods per project and staff statistics."""

    name = "development"
    verbose_name = "แผนพัฒนาครูและบุคลากรทางการศึกษา"
