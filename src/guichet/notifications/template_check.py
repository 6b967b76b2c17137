"""Checking an authority's wording before it is saved: known variables, harmless tags only.

Templates only ever see plain strings (see `templating`), but a typo in a variable renders as
nothing and a message goes out with a hole in it: refuse it with its name instead.
"""

from __future__ import annotations

import re

from django.template import Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, Parser, TokenType, Variable

from guichet.notifications.templating import VARIABLES

ALLOWED_TAGS = {"if", "elif", "else", "endif"}
_IF_WORDS = {"and", "or", "not", "in", "is", "None", "True", "False"}
_IDENTIFIER = re.compile(r"""("[^"]*"|'[^']*')|([A-Za-z_][\w.]*)""")
_engine = Engine()


def problems(source: str) -> list[str]:
    """French reasons `source` cannot be used (empty when it is fine)."""
    if not source.strip():
        return []
    found: list[str] = []
    parser = Parser([], builtins=_engine.template_builtins)
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.VAR:
            try:
                names = _names_in_variable(token.contents, parser)
            except TemplateSyntaxError as error:
                reason = "filtre inconnu" if "Invalid filter" in str(error) else str(error)
                found.append(f"Expression invalide « {{{{ {token.contents} }}}} » : {reason}.")
                continue
            found += [_unknown(name) for name in names if name not in VARIABLES]
        elif token.token_type == TokenType.BLOCK:
            tag, _, rest = token.contents.partition(" ")
            if tag not in ALLOWED_TAGS:
                found.append(
                    f"Balise non autorisée : « {{% {tag} %}} » (seules if, elif, else, endif le sont)."
                )
                continue
            found += [_unknown(name) for name in _names_in_condition(rest) if name not in VARIABLES]
    if not found:
        try:
            _engine.from_string(source)
        except TemplateSyntaxError as error:
            found.append(f"Modèle invalide : {error}")
    return list(dict.fromkeys(found))


def _unknown(name: str) -> str:
    return f"Variable inconnue : « {name} » (variables possibles : {', '.join(VARIABLES)})."


def _names_in_variable(contents: str, parser: Parser) -> list[str]:
    expression = FilterExpression(contents, parser)
    variables = [expression.var] + [arg for _f, args in expression.filters for _l, arg in args]
    return [
        v.var.split(".")[0] for v in variables if isinstance(v, Variable) and v.lookups is not None
    ]


def _names_in_condition(condition: str) -> list[str]:
    names = []
    for quoted, word in _IDENTIFIER.findall(condition):
        if quoted or not word:
            continue
        name = word.split(".")[0]
        if name not in _IF_WORDS:
            names.append(name)
    return names
