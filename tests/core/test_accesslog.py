"""Secrets in logged URLs are masked: gunicorn's access-log atoms and Django's log records."""

import logging
import re

from django.urls import URLPattern, URLResolver, get_resolver

from guichet.core.accesslog import MaskSecrets, mask_atoms, mask_url

# A path argument holding a secret: `<str:token>`, or `(?P<token>…)` in a regex route.
SECRET_ARGUMENT = re.compile(
    r"\(\?P<(?:token|jeton|cle|secret|key)>[^)]*\)|<(?:\w+:)?(?:token|jeton|cle|secret|key)>"
)


def test_secret_path_segments_and_query_values_are_masked():
    assert mask_url("/connexion/lien/eyJlbWFpbCI6ImpAeC5mciJ9:1v:abc/") == "/connexion/lien/***/"
    assert mask_url("/suivi/ABCD-EFGH-JK?cle=s3cr3t&page=2") == "/suivi/ABCD-EFGH-JK?cle=***&page=2"
    assert (
        mask_url("/api/x?api_key=k&jeton=j&Token=t&code=c")
        == "/api/x?api_key=***&jeton=***&Token=***&code=***"
    )
    assert mask_url("/notifications/desabonnement/tok/") == "/notifications/desabonnement/***/"
    assert mask_url("/rendez-vous/rdv/abc/annuler/") == "/rendez-vous/rdv/***/annuler/"
    assert mask_url("/satisfaction/abc/merci/") == "/satisfaction/***/merci/"
    assert mask_url("/satisfaction/scores/") == "/satisfaction/scores/"
    # e-mail addresses in any parameter or segment, even percent-encoded
    assert mask_url("/services/?q=jeanne%40example.fr") == "/services/?q=***"
    assert "jeanne" not in mask_url("/x/jeanne@example.fr/")
    # an absolute URL (a referrer) keeps its origin
    assert mask_url("https://g.fr/suivi/R?cle=s") == "https://g.fr/suivi/R?cle=***"
    # nothing secret: unchanged
    assert mask_url("/services/voirie/?page=2&q=trou") == "/services/voirie/?page=2&q=trou"


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_route_with_a_secret_in_its_path_is_masked():
    # given every route of the site whose path carries a token, a key or a secret
    routes = [
        route for route in _routes(get_resolver().url_patterns) if SECRET_ARGUMENT.search(route)
    ]
    assert routes, "the site has links carrying secrets (sign-in, opt-out, surveys…)"
    for route in routes:
        # when a request to it is logged (other arguments given a harmless value)
        path = SECRET_ARGUMENT.sub("s3cr3tT0k3n", route)
        path = re.sub(r"\(\?P<\w+>[^)]*\)|<[^>]+>", "42", path)  # the other arguments
        path = re.sub(r"\(\?:.*\)\??", "", path)  # optional regex tails (a format suffix)
        path = "/" + path.replace("^", "").replace("$", "").replace("\\", "")
        # then the secret does not reach the log
        assert "s3cr3tT0k3n" not in mask_url(path), route


def test_gunicorn_atoms_are_masked_including_headers_and_environ():
    atoms = {
        "r": "GET /suivi/R?cle=s3cr3t HTTP/1.1", "U": "/suivi/R", "q": "cle=s3cr3t",
        "f": "http://h/connexion/lien/tok/", "{cookie}i": "sessionid=abc",
        "{authorization}i": "Bearer k", "{raw_uri}e": "/suivi/R?cle=s3cr3t",
        "{query_string}e": "cle=s3cr3t", "{http_cookie}e": "sessionid=abc", "h": "10.0.0.1",
    }  # fmt: skip
    masked = mask_atoms(atoms)
    assert "s3cr3t" not in repr(masked) and "tok" not in repr(masked)
    assert "abc" not in repr(masked) and "Bearer" not in repr(masked)
    assert masked["r"] == "GET /suivi/R?cle=*** HTTP/1.1" and masked["h"] == "10.0.0.1"


def test_the_logging_filter_masks_django_server_records():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
        ("GET /connexion/lien/secret-token/ HTTP/1.1", "303", "0"), None,
    )  # fmt: skip
    assert MaskSecrets().filter(record)
    assert record.getMessage() == '"GET /connexion/lien/***/ HTTP/1.1" 303 0'


def test_every_handler_of_django_request_records_masks_them():
    # Django's default handlers (its DEBUG console, mail to ADMINS) are replaced by ours
    handlers, logger = [], logging.getLogger("django.request")
    while logger is not None:
        # (pytest's own capturing handlers aside)
        handlers += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert handlers
    assert all(any(isinstance(f, MaskSecrets) for f in handler.filters) for handler in handlers)
    server = [
        h
        for h in logging.getLogger("django.server").handlers
        if not type(h).__module__.startswith("_pytest")
    ]
    assert server and all(any(isinstance(f, MaskSecrets) for f in h.filters) for h in server)
