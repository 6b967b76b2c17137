"""Elected officials' briefings: what went well, the hot spots, the forecast (ADR 0039).

`periods` picks the period a briefing covers, `figures` computes its numbers from the
journal's analytics copy (journeys), `compose` turns them into French lines each linked to
its dashboard, `actions` writes remits and sends briefings through the notification outbox,
`tasks.send_due` is the worker's schedule, `access` says who reads which briefing;
`comparisons` and `silent` are the per-1,000-inhabitants figures of the steering pages.
"""
