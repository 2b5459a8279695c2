from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "การติดตามผล"

    def ready(self) -> None:
        # projects sits below monitoring and never imports it: copying a project forward asks
        # its hooks for extra paragraphs of the rationale, and monitoring adds last year's results.
        from monitoring import figures
        from projects import services as project_services

        if figures.year_end_paragraph not in project_services.COPY_RATIONALE_HOOKS:
            project_services.COPY_RATIONALE_HOOKS.append(figures.year_end_paragraph)
