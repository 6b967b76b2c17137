"""Optional push of the published data sets to a udata portal (data.gouv.fr's software).

Configured by `GUICHET_UDATA_URL` (the portal's API root, e.g. https://www.data.gouv.fr/api/1),
`GUICHET_UDATA_API_KEY` (sent only as the `X-API-KEY` header, never in a URL or a log) and
`GUICHET_UDATA_ORGANIZATION` (the publishing organisation's id on the portal). Without a URL
and a key the plugin does nothing. After each successful publication
(`opendata.publication-published`, a journal subscription) a task creates or updates the
remote data set and one remote resource per file (CSV, GeoJSON, Parquet, schema), pointing
at Guichet's own stable download URLs with their size and SHA-256 (ADR 0037).
"""
