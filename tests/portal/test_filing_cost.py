"""What a portal filing of a new person costs in SQL statements (ADR 0011).

The benchmark (`benchmarks/intake_profile.py --only dépôt --sql`) counts 9 statements in the
steady state; here the reference data is read again (a test's transaction never commits, so
`core.refcache` keeps nothing) and the session is in the database, so the ceiling is higher,
but any statement added to the filing itself shows.
"""

from .conftest import file_request, form_url, voirie_post

# 7 for the filing (duplicate look-up, person, identity, person.created, request,
# request.received, receipt), 14 reads of reference data (the service's current version's
# workflow among them, ADR 0027; the authority that designed the service, read with the
# competence answer and cached with it, ADR 0031), 3 for the database session.
FILING_STATEMENTS = 24


def test_filing_for_a_new_person_reads_nothing_back_and_keeps_its_statement_count(
    client, world, django_assert_max_num_queries
):
    # given a first filing (templates and per-process caches warm)
    file_request(client, data=voirie_post(**{"contact-email": "premier@example.fr"}))
    client.cookies.clear()
    # when a new visitor files a request
    data = voirie_post(
        **{"contact-email": "nina.roux@example.fr", "contact-first_name": "Nina",
           "contact-last_name": "Roux"}
    )  # fmt: skip
    with django_assert_max_num_queries(FILING_STATEMENTS) as queries:
        response = client.post(form_url("signalement-voirie"), data)
    # then it is filed without more statements than today, and the receipt was queued with
    # the new person's choices as the filing knew them: none read back
    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if "people_consent" in sql]
    assert sum('INSERT INTO "notifications_notification"' in sql for sql in statements) == 1
