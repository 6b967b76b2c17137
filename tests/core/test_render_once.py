"""{% render_once %}: request-independent markup rendered once per template node."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError

ENGINE = Engine(libraries={"guichet_core": "guichet.core.templatetags.guichet_core"})


def test_the_fragment_is_rendered_once_and_served_as_is():
    # given a template whose fragment reads a variable (which it must not, to show the effect)
    template = ENGINE.from_string(
        "{% load guichet_core %}[{% render_once %}{{ who }}{% end_render_once %}] {{ who }}"
    )
    # when it is rendered for two visitors
    first = template.render(Context({"who": "<Anne>"}))
    second = template.render(Context({"who": "Bruno"}))
    # then the fragment keeps its first rendering (escaped once), the rest follows the context
    assert first == "[&lt;Anne&gt;] &lt;Anne&gt;"
    assert second == "[&lt;Anne&gt;] Bruno"


def test_a_block_inside_is_refused():
    with pytest.raises(TemplateSyntaxError, match="cannot hold a"):
        ENGINE.from_string(
            "{% load guichet_core %}{% render_once %}{% block x %}{% endblock %}"
            "{% end_render_once %}"
        )
