"""`{% agent_menu user as entries %}`: the back office's menu for this agent (backoffice/menu.py)."""

from django import template

from guichet.backoffice.menu import Entry, entries_for

register = template.Library()


@register.simple_tag
def agent_menu(user) -> list[Entry]:
    return entries_for(user)
