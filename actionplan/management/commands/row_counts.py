"""`row_counts`: one JSON object {app.Model: rows} for every model, for restore drills."""

import json

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the number of rows of every model as one JSON object."

    def handle(self, *args, **options):
        counts = {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        }
        self.stdout.write(json.dumps(dict(sorted(counts.items())), indent=1))
