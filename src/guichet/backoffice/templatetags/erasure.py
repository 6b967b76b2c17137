"""`{% may_erase user person as allowed %}`: whether the page offers to erase the person."""

from django import template

from guichet.people import access

register = template.Library()


@register.simple_tag
def may_erase(user, person) -> bool:
    from guichet.backoffice.views.erasure import erasing_authorities

    if person.is_erased or person.is_merged:
        return False
    return access.is_visible(erasing_authorities(user), person)
