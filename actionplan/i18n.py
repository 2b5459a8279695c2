"""Thai wherever text is kept or printed, whatever language the page is shown in.

Labels of choices are marked for translation (English pages show English), and Thai is the
source language, so evaluated under Thai they give back the Thai text. What is stored (audit
documents and their SHA-256, notifications, group names), printed (PDFs, exports meant for
re-import) or matched against Thai input (imports) is built under Thai with these helpers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from django.db.models import Choices
from django.utils import translation

F = TypeVar("F", bound=Callable)


def in_thai(func: F) -> F:
    """Run the function with Thai active. (A fresh `translation.override` per call: one
    instance used as a decorator keeps the previous language on itself, which concurrent
    requests would overwrite.)"""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("th"):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def thai(text) -> str:
    """The Thai text of a lazily translated string (a choice's label), as a plain str."""
    with translation.override("th"):
        return str(text)


def thai_labels(choices: type[Choices]) -> dict[str, str]:
    """{value: Thai label} of a choices class."""
    with translation.override("th"):
        return {value: str(label) for value, label in choices.choices}
