"""Journey analytics: the process-mining engine over the journal or an external log."""

# Polars' allocator (jemalloc) keeps freed pages for seconds by default; loading a large log
# frees gigabytes that numpy's arrays (another allocator) could not reuse, so the peak was the
# sum of both. Returning pages at once costs nothing measurable here and lowers the 10 M-event
# peak by about 100–200 MB. Read when Polars loads: the `guichet` command sets it first.
POLARS_ALLOCATOR_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
