"""The sign-in buttons of the configured providers, for the portal's and the agents' pages."""

from django import template

from guichet.identity import registry

register = template.Library()


@register.inclusion_tag("identity/_resident_buttons.html", takes_context=True)
def resident_sign_in_buttons(context):
    return {"providers": registry.enabled("resident"), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("identity/_agent_buttons.html", takes_context=True)
def agent_sign_in_buttons(context):
    return {
        "providers": registry.enabled("agent"),
        "csrf_token": context.get("csrf_token"),
        "next": context.get("next", ""),
    }


@register.simple_tag(takes_context=True)
def signed_in_with(context):
    """The provider the session signed in with (its sign-out goes through it), or None."""
    request = context.get("request")
    name = request.session.get("identity_provider", "") if request is not None else ""
    return registry.get(name)
