"""`{% fragment block %}`: a piece of a page rendered from plain values only, kept in the cache
under a digest of its template, the language, the URL prefix and every value it is given
(docs/decisions/overview-fragments.md).

The view builds the `Fragment`s (`Fragment.of`), reads those already rendered in one cache
read (`load`), renders the page (the tag prints a kept fragment or renders it) and keeps the
newly rendered ones (`store`). The fragment's template sees nothing but its values: no request,
no user, no model, so the digest covers everything it can print.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.translation import get_language

register = template.Library()

CACHE_SECONDS = 6 * 3600


def _refuse(value):
    """Decimals as their text; anything else json cannot write (a model instance, a lazy
    translation) is refused: what the digest cannot see in full must not reach the template."""
    if isinstance(value, Decimal):
        return ["decimal", str(value)]
    raise TypeError(f"a fragment takes plain values only, not {type(value).__name__}")


_sources: dict[str, tuple[str, str]] = {}  # {template name: (its source, the source's digest)}


def _source_digest(name: str) -> str:
    """The digest of the template's current source (hashed again only when it changed)."""
    source = get_template(name).template.source
    kept = _sources.get(name)
    if kept is None or kept[0] is not source and kept[0] != source:
        kept = _sources[name] = (source, hashlib.sha256(source.encode()).hexdigest())
    return kept[1]


@dataclass
class Fragment:
    """A template, the plain values it prints, their digest and the HTML (kept or rendered)."""

    template: str
    context: dict
    key: str
    html: str | None = None  # read from the cache
    rendered: str | None = None  # rendered by this request, to keep

    @classmethod
    def of(cls, name: str, context: dict) -> Fragment:
        material = json.dumps(
            [name, _source_digest(name), get_language(), get_script_prefix(), context],
            default=_refuse,
            ensure_ascii=False,
        )
        return cls(name, context, "fragment:" + hashlib.sha256(material.encode()).hexdigest())


def load(fragments: list[Fragment]) -> None:
    """Fill in the HTML of the fragments already kept: one cache read."""
    found = cache.get_many([f.key for f in fragments])
    for f in fragments:
        f.html = found.get(f.key)


def store(fragments: list[Fragment]) -> None:
    """Keep the fragments this request rendered: one cache write."""
    new = {f.key: f.rendered for f in fragments if f.html is None and f.rendered is not None}
    if new:
        cache.set_many(new, CACHE_SECONDS)


@register.simple_tag
def fragment(block: Fragment) -> str:
    # A template's output is a SafeString (it escaped its values) and stays one in the cache
    # (pickled with its class); a plain string would be escaped here, never printed raw.
    if block.html is not None:
        return block.html
    block.rendered = get_template(block.template).render(block.context)
    return block.rendered
