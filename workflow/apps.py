from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "การพิจารณาโครงการ"

    def ready(self):
        # projects sits below workflow and never imports it: its project page asks the panels
        # registered here for the transition buttons, the amendment panel and the versions.
        from actionplan.backends import USER_ANNOTATIONS
        from projects import views as project_views
        from workflow.models import unread_count_of_user
        from workflow.views import workflow_panel

        USER_ANNOTATIONS["unread_notification_count"] = unread_count_of_user

        if workflow_panel not in project_views.PROJECT_PAGE_PANELS:
            project_views.PROJECT_PAGE_PANELS.append(workflow_panel)
