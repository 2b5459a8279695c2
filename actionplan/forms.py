"""What every form of the app shares: typed text is stored clean."""

from __future__ import annotations

from actionplan import thai


class CleanTextMixin:
    """Put first in a form's bases: every text value it accepts is NFC, without bidi controls
    or zero-width characters (an RLO would print the rest of a line reversed in the PDF).

    It runs as the first step of `clean()`, so a subclass's `clean()` that calls `super()`
    first already works on the cleaned text, and a ModelForm builds its instance from it.
    """

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = thai.clean_text(value)
        return data
