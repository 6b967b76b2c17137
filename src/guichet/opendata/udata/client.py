"""A small client of udata's API v1 (datasets and their resources), on urllib.

The API key travels in the `X-API-KEY` header only; error messages carry the status and the
path, never the key or the request's headers.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

TIMEOUT_SECONDS = 20


class UdataError(Exception):
    """A refused or failed call (French message, no secret in it)."""


@dataclass(frozen=True)
class UdataClient:
    base_url: str  # the API root, e.g. https://www.data.gouv.fr/api/1
    api_key: str

    def __repr__(self) -> str:  # never the key, in a traceback or a log
        return f"UdataClient({self.base_url!r})"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        url = self.base_url.rstrip("/") + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (http(s) from settings)
        request.add_header("X-API-KEY", self.api_key)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise UdataError(f"Le portail a répondu {error.code} à {method} {path}.") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise UdataError(f"Portail injoignable ({method} {path}) : {reason}.") from None
        if not raw:
            return {}
        try:
            answer = json.loads(raw)
        except ValueError:
            raise UdataError(f"Réponse illisible du portail à {method} {path}.") from None
        return answer if isinstance(answer, dict) else {}

    def create_dataset(self, body: dict) -> dict:
        return self.call("POST", "/datasets/", body)

    def update_dataset(self, remote_id: str, body: dict) -> dict:
        return self.call("PUT", f"/datasets/{remote_id}/", body)

    def create_resource(self, remote_id: str, body: dict) -> dict:
        return self.call("POST", f"/datasets/{remote_id}/resources/", body)

    def update_resource(self, remote_id: str, resource_id: str, body: dict) -> dict:
        return self.call("PUT", f"/datasets/{remote_id}/resources/{resource_id}/", body)
