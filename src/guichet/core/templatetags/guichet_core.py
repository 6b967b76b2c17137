"""`{% render_once %}…{% end_render_once %}`: markup that depends on nothing in the request
(the DSFR's links to its styles and scripts, the footer), rendered once per process.

Every page drew these through ~80 template nodes; on the tracking page that was a fifth of
the rendering. Put no `{% block %}`, no variable and no request-dependent tag inside: the
first rendering is served to everyone, whatever the child template or the visitor.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class RenderOnceNode(template.Node):
    # Hidden from node walks: every `{% extends %}` render looks for blocks through the whole
    # base template, and this content holds none (checked when it is parsed).
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: str | None = None

    def render(self, context: template.Context) -> str:
        if self.rendered is None:
            self.rendered = self.nodelist.render(context)
        return mark_safe(self.rendered)  # noqa: S308 - the template's own output, as rendered


@register.tag
def render_once(parser: template.base.Parser, token: template.base.Token) -> RenderOnceNode:
    nodelist = parser.parse(("end_render_once",))
    parser.delete_first_token()
    blocks = nodelist.get_nodes_by_type(template.loader_tags.BlockNode)
    if blocks:
        raise template.TemplateSyntaxError("{% render_once %} cannot hold a {% block %}")
    return RenderOnceNode(nodelist)
