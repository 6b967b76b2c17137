"""The one way a template shows a contribution's content (ideas, comments, statements,
petitions): hidden content is replaced by the moderators' notice everywhere.

    {% load moderation %}
    {% include "participation/_moderated.html" with item=idea field="text" %}
    {{ idea|shown:"title" }}        (a one-line field: title, statement text)
"""

from __future__ import annotations

from django import template

from guichet.participation import moderation

register = template.Library()


@register.filter
def shown(contribution, field="text"):
    """The field's value, or « Contenu masqué par la modération : <motif> »."""
    return moderation.shown(contribution, field or "text")


@register.filter
def is_hidden(contribution) -> bool:
    return getattr(contribution, "hidden_at", None) is not None


@register.filter
def kind_slug(contribution) -> str:
    """The model's name in URLs (`statement`, `petition`, `idea`, `comment`)."""
    return contribution._meta.model_name
