"""The French administrative map (COG): régions, départements, EPCI/EPT, communes."""

from django.db import models


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Intercommunality(models.Model):
    """An EPCI with its own tax regime (CC, CA, CU, métropole) or a Grand Paris EPT."""

    class Kind(models.TextChoices):
        CC = "CC", "communauté de communes"
        CA = "CA", "communauté d'agglomération"
        CU = "CU", "communauté urbaine"
        METRO = "METRO", "métropole"
        EPT = "EPT", "établissement public territorial"
        # A territorial authority with EPCI powers, listed among the EPCI by INSEE.
        MET69 = "MET69", "Métropole de Lyon"

    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=5, choices=Kind.choices)
    financing = models.CharField("mode de financement", max_length=8, blank=True)
    population = models.PositiveIntegerField("population totale", null=True, blank=True)

    class Meta:
        verbose_name = "intercommunalité"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune, or a delegated/associated commune or a municipal arrondissement.

    The INSEE code alone is not unique: a commune déléguée often shares the code of the
    commune nouvelle it belongs to, so the key is (code, kind).
    """

    class Kind(models.TextChoices):
        CURRENT = "commune-actuelle", "commune"
        DELEGATED = "commune-deleguee", "commune déléguée"
        ASSOCIATED = "commune-associee", "commune associée"
        ARRONDISSEMENT = "arrondissement-municipal", "arrondissement municipal"

    code = models.CharField("code INSEE", max_length=5, db_index=True)
    kind = models.CharField("type", max_length=24, choices=Kind.choices, default=Kind.CURRENT)
    name = models.CharField("nom", max_length=200)
    # Lower-case, accent-free, punctuation-free name: the same search on SQLite and PostgreSQL
    # without database extensions (filled by the importer, see territory.text).
    search_name = models.CharField(
        "nom normalisé", max_length=200, blank=True, db_index=True, editable=False
    )
    siren = models.CharField("SIREN", max_length=9, blank=True)
    departement = models.ForeignKey(
        Departement, null=True, blank=True, on_delete=models.PROTECT, related_name="communes"
    )
    postcodes = models.JSONField("codes postaux", default=list, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="commune de rattachement (commune déléguée, associée, arrondissement)",
    )
    intercommunalities = models.ManyToManyField(
        Intercommunality, through="Membership", related_name="communes", blank=True
    )
    boundary = models.JSONField("contour (GeoJSON)", null=True, blank=True)
    bbox = models.JSONField("emprise [minx, miny, maxx, maxy]", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "kind"], name="commune_code_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """A commune belongs to an EPCI (and, in Grand Paris, also to an EPT)."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="memberships")
    intercommunality = models.ForeignKey(
        Intercommunality, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = "adhésion à une intercommunalité"
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "intercommunality"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} ∈ {self.intercommunality}"


class Postcode(models.Model):
    """One row of the La Poste table: a postcode can cover several communes."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune_code = models.CharField("code INSEE", max_length=5, db_index=True)
    commune_name = models.CharField(max_length=200)
    delivery_label = models.CharField("libellé d'acheminement", max_length=200, blank=True)

    class Meta:
        verbose_name = "code postal"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "commune_code", "delivery_label"], name="postcode_row_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune_name}"


class Area(models.Model):
    """A place an authority draws on the map: a neighbourhood, a park, a road section.

    Routing rules and dashboards use it. `geometry` is a GeoJSON geometry in WGS84 (a polygon,
    a multipolygon, or a line for a road section, which covers `buffer_m` metres either side);
    shapely reads it (territory.geometry). The owner is referred to by name, not imported: the
    authorities app sits above this one (ADR 0015).
    """

    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "quartier", "quartier"
        PARK = "parc", "parc ou jardin"
        ROAD = "voie", "tronçon de voie"
        OTHER = "autre", "autre secteur"

    authority = models.ForeignKey(
        "authorities.Authority", on_delete=models.CASCADE, related_name="areas"
    )
    name = models.CharField("nom", max_length=120)
    kind = models.CharField("type", max_length=8, choices=Kind.choices, default=Kind.OTHER)
    geometry = models.JSONField("géométrie (GeoJSON)")
    buffer_m = models.PositiveSmallIntegerField(
        "largeur de part et d'autre d'une voie (mètres)", default=15
    )
    bbox = models.JSONField("emprise [minx, miny, maxx, maxy]", null=True, blank=True)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le")

    class Meta:
        verbose_name = "secteur"
        ordering = ["authority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="area_name_per_authority")
        ]

    def __str__(self) -> str:
        return self.name
