"""A real OpenID Connect provider for the tests: oidc-provider-mock (PyPI) behind a thin
FranceConnect-like facade, served by a real WSGI server on 127.0.0.1 in a process of its own
(`python tests/identity/provider.py CLIENT_ID`: it prints its port, then serves until stopped).

The facade does what FranceConnect does and the mock does not: ID tokens signed ES256 (the key
published in the JWKS beside the mock's RS256 one), the userinfo answer as a signed JWT, the
claims of FranceConnect's scopes (given_name, family_name… each a scope there, all under
`profile` in the mock). And what an attacker or an accident would do, on demand: an ID token
signed by a key the provider never published, an expired one. It also drops the mock pages'
stylesheet from a CDN (the tests run offline). The tests switch these behaviours through
`FacadeControl`, which posts them to the provider's `/_facade` address.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import requests
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import ECKey
from oidc_provider_mock import app as mock_app
from werkzeug.wrappers import Response

FRANCECONNECT_SCOPES = {"given_name", "family_name", "birthdate", "gender", "preferred_username"}
EC_KID = "fc-es256"


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class FranceConnectLike:
    """WSGI middleware over the mock. Switch `signing`, `forge` and `userinfo` per test."""

    def __init__(self, app, client_id: str) -> None:
        self.app = app
        self.client_id = client_id
        self.key = ECKey.generate_key("P-256", {"kid": EC_KID, "use": "sig", "alg": "ES256"})
        self.reset()

    def reset(self) -> None:
        self.signing = "RS256"  # or "ES256"
        self.forge = ""  # "", "foreign-key" or "expired"
        self.userinfo = "json"  # or "jwt"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/_facade" and environ["REQUEST_METHOD"] == "POST":
            return self._control(environ, start_response)
        if path == "/oauth2/authorize":
            environ["QUERY_STRING"] = self._with_profile(environ.get("QUERY_STRING", ""))
        response = Response.from_app(self.app, environ)
        if path == "/.well-known/openid-configuration":
            document = json.loads(response.get_data())
            document["id_token_signing_alg_values_supported"] = ["ES256", "RS256"]
            document["userinfo_signing_alg_values_supported"] = ["ES256", "RS256"]
            response.set_data(json.dumps(document))
        elif path == "/jwks":
            keys = json.loads(response.get_data())
            keys["keys"].append(self.key.as_dict(private=False))
            response.set_data(json.dumps(keys))
        elif path == "/oauth2/token" and response.status_code == 200:
            token = json.loads(response.get_data())
            if "id_token" in token and (self.signing == "ES256" or self.forge):
                token["id_token"] = self._resign(_payload(token["id_token"]))
                response.set_data(json.dumps(token))
        elif path == "/userinfo" and response.status_code == 200 and self.userinfo == "jwt":
            claims = json.loads(response.get_data())
            issuer = "http://" + environ["HTTP_HOST"]
            claims.update({"iss": issuer, "aud": self.client_id})
            response.set_data(jwt.encode({"alg": "ES256", "kid": EC_KID}, claims, self.key))
            response.headers["Content-Type"] = "application/jwt"
        elif response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            start = body.find("<link")
            if start != -1:
                response.set_data(body[:start] + body[body.find("/>", start) + 2 :])
        return response(environ, start_response)

    def _control(self, environ, start_response):
        """The tests' switches: {"reset": true} or {"signing": "ES256", "forge": …}."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        changes = json.loads(environ["wsgi.input"].read(length) or b"{}")
        if changes.pop("reset", False):
            self.reset()
        for name, value in changes.items():
            if name not in ("signing", "forge", "userinfo"):
                return Response(f"unknown switch {name}", status=400)(environ, start_response)
            setattr(self, name, value)
        return Response(status=204)(environ, start_response)

    def _resign(self, claims: dict) -> str:
        key = self.key
        if self.forge == "foreign-key":
            key = ECKey.generate_key("P-256", {"kid": EC_KID, "use": "sig", "alg": "ES256"})
        if self.forge == "expired":
            now = int(time.time())
            claims.update({"iat": now - 660, "exp": now - 600, "auth_time": now - 660})
        return jwt.encode({"alg": "ES256", "kid": EC_KID}, claims, key)

    @staticmethod
    def _with_profile(query: str) -> str:
        params = parse_qsl(query, keep_blank_values=True)
        out = []
        for name, value in params:
            if name == "scope" and FRANCECONNECT_SCOPES & set(value.split()):
                value = value + " profile"
            out.append((name, value))
        return urlencode(out)


class FacadeControl:
    """The test process's handle on the provider's switches: `facade.signing = "ES256"` posts it."""

    def __init__(self, issuer: str) -> None:
        object.__setattr__(self, "issuer", issuer)

    def __setattr__(self, name: str, value: str) -> None:
        self._post({name: value})

    def reset(self) -> None:
        self._post({"reset": True})

    def _post(self, changes: dict) -> None:
        response = requests.post(f"{self.issuer}/_facade", json=changes, timeout=5)
        assert response.status_code == 204, response.text


def serve(client_id: str) -> None:
    """The provider process: bind a free port, say which, serve until stopped."""
    facade = FranceConnectLike(
        mock_app(require_nonce=True, access_token_max_age=timedelta(seconds=60)), client_id
    )
    server = werkzeug.serving.make_server("127.0.0.1", 0, facade, threaded=True)
    sys.stdout.write(f"{server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


@contextmanager
def running_provider(client_id: str):
    """Start the provider's process on a free port of 127.0.0.1; yields (issuer, control)."""
    process = subprocess.Popen(  # noqa: S603 — this file, run by the same interpreter
        [sys.executable, __file__, client_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # werkzeug's line per request
        text=True,
    )
    try:
        port = int(process.stdout.readline())  # printed once the socket listens
        issuer = f"http://127.0.0.1:{port}"
        yield issuer, FacadeControl(issuer)
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    serve(sys.argv[1])
