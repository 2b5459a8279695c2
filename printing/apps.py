from django.apps import AppConfig

# Printing's side of the approval hooks of workflow.services and plans.services: the approval freezes the
# document's final HTML in its transaction and, once it commits, the layout is queued. Each
# looks its function up when called (monkeypatching printing.project or printing.book works).


def project_print_source(project) -> dict:
    from printing import project as project_doc

    return project_doc.project_source(project, draft=False)


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
            (workflow_services.PROJECT_PRINT_SOURCE, project_print_source),
            (workflow_services.PROJECT_FROZEN, project_frozen),
            (plan_services.PLAN_PRINT_SOURCE, plan_print_source),
            (plan_services.PLAN_APPROVED, plan_approved),
        ):
            if hook not in hooks:
                hooks.append(hook)
