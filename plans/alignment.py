"""Policy alignment (สนอง) of a plan: the matrix of the policy items the office follows in the
plan's year against the plan's projects, with the budget behind each item (budgets.figures),
and the coverage warnings shown before approval: items no project serves, and items served
only by projects without budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from actionplan.models import Office, PolicyFramework, PolicyItem
from budgets import figures
from projects import compiled
from projects.models import Project


@dataclass
class MatrixRow:
    """One policy item: its framework, depth, the projects serving it and their budget."""

    item: PolicyItem
    depth: int
    bucket: figures.Bucket
    covered: bool = False  # it or an item under it is served by a project
    funded: bool = False  # ... by a project with a budget

    @property
    def projects(self) -> list:
        return self.bucket.projects


@dataclass
class Matrix:
    """The alignment matrix of a plan, framework by framework, and the coverage findings."""

    frameworks: list[tuple[PolicyFramework, list[MatrixRow]]] = field(default_factory=list)
    projects: list = field(default_factory=list)

    def rows(self) -> list[MatrixRow]:
        return [row for _, rows in self.frameworks for row in rows]

    def _topmost(self, test) -> list[MatrixRow]:
        """Rows failing `test` whose parent passes (a whole uncovered branch is reported once)."""
        failing = {row.item.pk for row in self.rows() if not test(row)}
        return [
            row
            for row in self.rows()
            if row.item.pk in failing and row.item.parent_id not in failing
        ]

    def uncovered(self) -> list[MatrixRow]:
        return self._topmost(lambda row: row.covered)

    def unfunded(self) -> list[MatrixRow]:
        """Items served, but only by projects without budget."""
        return [row for row in self._topmost(lambda row: row.funded) if row.covered]


def followed_items(office, year: int) -> list[PolicyItem]:
    """The active items of the frameworks the office follows in the year, with their
    frameworks, in framework and item order. The query is compiled once and run with the
    office and the year (projects.compiled): compiling it cost ~3 ms on every overview."""
    return compiled.instances(
        ("followed-items",), _followed_items_query, office=office.pk, year=year
    )


def _followed_items_query(*, office: int, year: int):
    return (
        PolicyItem.objects.filter(
            framework__in=PolicyFramework.objects.followed_by(Office(pk=office)).applies_to(year),
            is_active=True,
        )
        .select_related("framework")
        .order_by("framework__order", "framework_id", "order", "pk")
    )


def _pairs(project_ids: list[int]) -> list[tuple[int, int]]:
    """(policy item id, project id) of the listed projects' alignments, by project."""
    through = Project.alignments.through._meta
    quote = connection.ops.quote_name
    item, project = (quote(through.get_field(n).column) for n in ("policyitem", "project"))
    marks = ", ".join(["%s"] * len(project_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {item}, {project} FROM {quote(through.db_table)} "
            f"WHERE {project} IN ({marks}) ORDER BY {project}, {item}",
            project_ids,
        )
        return cursor.fetchall()


def alignment_matrix(plan, projects: list, per_project) -> Matrix:
    """The matrix for the listed projects (cancelled ones left out by the caller); `per_project`
    is the per-project figures of figures.summarize. Two queries (the items of the frameworks
    the office follows that year, with their frameworks; which projects serve them): a
    framework without an active item has no row, so the frameworks come with their items."""
    items = followed_items(plan.office, plan.fiscal_year.year_be)
    frameworks = list({item.framework_id: item.framework for item in items}.values())
    by_pk = {p.pk: p for p in projects}
    served: dict[int, list] = {}
    for item_id, project_id in _pairs(list(by_pk)) if items and by_pk else []:
        served.setdefault(item_id, []).append(by_pk[project_id])
    buckets = figures.policy_buckets(items, served, per_project)
    children: dict = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    matrix = Matrix(projects=projects)
    rows_of: dict[int, MatrixRow] = {}

    def walk(item, depth, out):
        row = MatrixRow(item, depth, buckets[item.pk])
        rows_of[item.pk] = row
        out.append(row)
        for child in children.get(item.pk, []):
            walk(child, depth + 1, out)

    known = {i.pk for i in items}
    for framework in frameworks:
        rows: list[MatrixRow] = []
        for item in items:
            if item.framework_id == framework.pk and item.parent_id not in known:
                walk(item, 0, rows)
        if rows:
            matrix.frameworks.append((framework, rows))
    # covered/funded flow up from the items a project serves to their ancestors
    for row in reversed(matrix.rows()):
        own = row.bucket.projects
        row.covered = row.covered or bool(own)
        row.funded = row.funded or any(per_project[p.pk].total for p in own)
        parent = rows_of.get(row.item.parent_id)
        if parent is not None:
            parent.covered = parent.covered or row.covered
            parent.funded = parent.funded or row.funded
    return matrix
