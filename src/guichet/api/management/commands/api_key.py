"""`guichet api-key issue|list|revoke|limit`: API keys from the console, through `api.keys`.

    guichet api-key issue --authority sceaux --application "Appli voirie" --scope read --scope write
    guichet api-key list [--authority sceaux] [--all]
    guichet api-key revoke 1a2b3c4d
    guichet api-key limit 1a2b3c4d 3000      (or `common` for the common limit again)

`issue` prints the key once: only a hash of it is kept.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from guichet.api import keys
from guichet.api.models import ApiKey, Scope
from guichet.authorities.models import Authority
from guichet.core.journal import Actor

ACTOR = Actor.system("commande api-key")


class Command(BaseCommand):
    help = "Délivrer, lister et révoquer les clés d'API."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="délivrer une clé (affichée une seule fois)")
        issue.add_argument("--authority", required=True, help="slug de la collectivité")
        issue.add_argument("--application", required=True, help="nom de l'application cliente")
        issue.add_argument(
            "--scope", action="append", choices=Scope.values, required=True,
            dest="scopes", help="droit donné (répétez : --scope read --scope write)",
        )  # fmt: skip
        issue.add_argument(
            "--rate-limit", type=int, help="requêtes par minute (vide : la limite commune)"
        )
        listing = actions.add_parser("list", help="les clés actives (toutes avec --all)")
        listing.add_argument("--authority", help="slug de la collectivité")
        listing.add_argument("--all", action="store_true", help="avec les clés révoquées")
        revoke = actions.add_parser("revoke", help="révoquer une clé")
        revoke.add_argument("prefix", help="préfixe de la clé (avant le point)")
        limit = actions.add_parser("limit", help="changer la limite de requêtes d'une clé")
        limit.add_argument("prefix", help="préfixe de la clé (avant le point)")
        limit.add_argument("rate_limit", help="requêtes par minute, ou « common »")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValueError as refused:
            raise CommandError(str(refused)) from refused

    def _issue(self, *, authority, application, scopes, rate_limit, **_):
        api_key, raw = keys.issue_key(
            actor=ACTOR, authority=_authority(authority), application=application,
            scopes=scopes, rate_limit=rate_limit,
        )  # fmt: skip
        self.stderr.write(
            f"Clé {api_key.prefix} délivrée à « {api_key.application} » pour "
            f"{api_key.authority.name}. Elle ne sera plus affichée : copiez-la maintenant."
        )
        self.stdout.write(raw)

    def _list(self, *, authority, all, **_):  # noqa: A002 (the option's name)
        rows = ApiKey.objects.select_related("authority").order_by("authority__slug", "created_at")
        if authority:
            rows = rows.filter(authority=_authority(authority))
        if not all:
            rows = rows.filter(revoked_at__isnull=True)
        header = ("préfixe", "collectivité", "application", "droits", "limite/min",
                  "dernière utilisation", "révoquée le")  # fmt: skip
        lines = [header]
        for key in rows:
            lines.append(
                (
                    key.prefix,
                    key.authority.slug,
                    key.application,
                    ",".join(key.scopes),
                    str(key.rate_limit) if key.rate_limit else "commune",
                    _when(key.last_used_at),
                    _when(key.revoked_at),
                )  # fmt: skip
            )
        if len(lines) == 1:
            self.stdout.write("Aucune clé.")
            return
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        for line in lines:
            self.stdout.write(
                "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
            )

    def _revoke(self, *, prefix, **_):
        api_key = _key(prefix)
        if api_key.revoked_at is not None:
            raise CommandError(f"La clé {api_key.prefix} est déjà révoquée.")
        keys.revoke_key(actor=ACTOR, api_key=api_key)
        self.stdout.write(f"Clé {api_key.prefix} ({api_key.application}) révoquée.")

    def _limit(self, *, prefix, rate_limit, **_):
        api_key = _key(prefix)
        if rate_limit == "common":
            value = None
        elif rate_limit.isdecimal():
            value = int(rate_limit)
        else:
            raise CommandError("Indiquez un nombre de requêtes par minute, ou « common ».")
        keys.set_rate_limit(actor=ACTOR, api_key=api_key, rate_limit=value)
        shown = f"{value} requêtes par minute" if value else "la limite commune"
        self.stdout.write(f"Clé {api_key.prefix} : {shown}.")


def _authority(slug: str) -> Authority:
    found = Authority.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"Aucune collectivité n'a le slug « {slug} ».")
    return found


def _key(prefix: str) -> ApiKey:
    found = keys.find_key(prefix)
    if found is None:
        raise CommandError(f"Aucune clé n'a le préfixe « {prefix} ».")
    return found


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
