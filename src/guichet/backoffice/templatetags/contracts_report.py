"""Filters of the contracts' pages and reports: an indicator's name, target, value, trend."""

from __future__ import annotations

from datetime import date

from django import template

from guichet.backoffice.contracts import figures

register = template.Library()


@register.filter
def indicator_name(result) -> str:
    return figures.name_of(result)


@register.filter
def target(result) -> str:
    return figures.target_text(result)


@register.filter
def value(number, unit: str) -> str:
    return figures.shown(number, unit)


@register.filter
def trend(result) -> str:
    return figures.trend(result)


@register.filter
def month_name(month: date) -> str:
    return figures.month_label(month)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
