"""`{% duplicates_panel case as duplicates %}`: the request page's duplicates section."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def duplicates_panel(context, case):
    from guichet.backoffice.views.duplicates import panel

    return panel(context["request"].user, case)
