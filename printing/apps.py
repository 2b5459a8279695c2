from django.apps import AppConfig

# Printing's side of the approval hooks of workflow.services and plans.services: a project's
# approval freezes the rows its document prints (a plan's, the book's final HTML) in its
# transaction and, once it commits, the layout is queued. Each looks its function up when
# called (monkeypatching printing.project or printing.book works).


def project_frozen_rows(pk: int) -> dict:
    from printing.models import OfficePrintSettings
    from projects.models import Project

    office = Project.objects.filter(pk=pk).values("plan__office_id")
    return {"print_settings": OfficePrintSettings.objects.filter(office_id__in=office)}


def project_print_source(project, rows: dict) -> dict:
    from printing import project as project_doc

    return project_doc.project_source(project, draft=False, frozen=rows)


def project_frozen(snapshot) -> None:
    from printing import tasks

    tasks.render_snapshot_pdf.enqueue(snapshot.pk)


def plan_print_source(plan) -> dict:
    from printing import book

    return book.book_source(plan, draft=False)


def plan_approved(approval, by) -> None:
    from printing import tasks

    tasks.request_approval_render(approval=approval, by=by)


class PrintingConfig(AppConfig):
    name = "printing"
    verbose_name = "การพิมพ์เอกสาร"

    def ready(self) -> None:
        from plans import services as plan_services
        from workflow import services as workflow_services

        for hooks, hook in (
            (workflow_services.PROJECT_FROZEN_ROWS, project_frozen_rows),
            (workflow_services.PROJECT_PRINT_SOURCE, project_print_source),
            (workflow_services.PROJECT_FROZEN, project_frozen),
            (plan_services.PLAN_PRINT_SOURCE, plan_print_source),
            (plan_services.PLAN_APPROVED, plan_approved),
        ):
            if hook not in hooks:
                hooks.append(hook)
