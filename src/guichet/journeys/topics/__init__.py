"""Emerging topics: what residents write about, and what suddenly grows (issue 20).

`model.find_topics` (pure, no database: NMF over TF-IDF with French stop words) names the
topics of a set of texts and counts them per week and commune; `emerging` flags a topic whose
last complete week stands far above its usual level (a z-score on the weekly counts).
`texts.documents_of` gathers an authority's texts (requests' summaries and free-text answers,
the residents' messages, the satisfaction comments), `actions.refresh_topics` stores the
result (`TopicRun`, `Topic`), `tasks.refresh_all` runs it for every authority
(GUICHET_WORKER_PERIODIC). ADR 0039.
"""
