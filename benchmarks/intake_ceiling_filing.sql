-- pgbench: every row one anonymous web filing writes, in one transaction, as the product does
-- (benchmarks/intake.py checks that a real filing writes into exactly these tables): the new
-- person, their e-mail identity, a duplicate suspicion for :suspect_percent % of them (the
-- share the filings of the same run raised), the person's journal event, the request (due date
-- known before the insert; a reference already taken is drawn again: ON CONFLICT DO NOTHING),
-- its journal event and its receipt e-mail in the notification outbox, at the product's sizes.
-- The product's reads (duplicate look-up, consents) are not here: writes only.
\set suspect random(1, 100)
BEGIN;
INSERT INTO people_person (first_name, last_name, category, address, created_at, updated_at,
  commune_id, search_name, first_name_key, last_name_key)
VALUES ('Camille', 'Martin', 'resident', '', now(), now(), :commune, 'camille martin', 'cam',
  'mar')
RETURNING id \gset p_
INSERT INTO people_identity (kind, value, provider, verification, created_at, person_id)
VALUES ('email', 'pgbench.' || md5(random()::text) || '@exemple.fr', '', 0, now(), :p_id);
\if :suspect <= :suspect_percent
INSERT INTO people_duplicatesuspicion (person_id, candidate_id, reason, score, status,
  created_at)
VALUES (:p_id, :person, 'nom très proche (93 %), même commune', 0.779, 'open', now());
\endif
INSERT INTO core_event (occurred_at, kind, actor_type, resource, channel, authority_id,
  person_id, subject_type, subject_id, visible_to_person, payload)
VALUES (now(), 'person.created', 'application', 'application:portail', 'web', NULL, :p_id,
  'people.person', :p_id, false,
  '{"category": "resident", "verification": 0, "identities": ["email"], "suspected_duplicates": []}');
INSERT INTO cases_request (reference, tracking_secret, channel, state, public_status, summary,
  form_data, address, received_at, due_at, pauses, updated_at, authority_id, commune_id,
  person_id, service_id, team_id)
VALUES (upper(substr(md5(random()::text), 1, 12)), substr(md5(random()::text), 1, 32), 'web',
  'received', 'ongoing', 'Bonjour, quels sont les horaires de la mairie le samedi ? Merci.',
  '{"sujet": "Horaires d''ouverture", "message": "Bonjour, quels sont les horaires de la mairie le samedi ? Merci.", "reponse_par": "courriel", "courriel": "bench@exemple.fr"}',
  '', now(), now() + interval '14 days', '[]', now(), :authority, :commune, :p_id, :service,
  :team)
ON CONFLICT (reference) DO NOTHING
RETURNING id \gset r_
INSERT INTO core_event (occurred_at, kind, actor_type, resource, channel, authority_id,
  person_id, case_id, subject_type, visible_to_person, payload)
VALUES (now(), 'request.received', 'person', 'usager:' || :p_id, 'web', :authority, :p_id,
  :r_id, '', true,
  '{"channel": "web", "reference": "ABCD-EFGH-JK", "service": "question-generale", "team": "accueil", "routed_by": "default", "rule": null}');
INSERT INTO notifications_notification (person_id, request_id, authority_id, channel,
  message_kind, recipient, subject, text, html, ics, status, attempts, next_attempt_at,
  last_error, idempotency_key, created_at, provider_message_id)
VALUES (:p_id, :r_id, :authority, 'email', 'receipt', 'pgbench@exemple.fr',
  'Demande ABCD-EFGH-JK reçue', repeat('t', 400), repeat('h', 880), '', 'queued', 0, now(), '',
  'event:pgbench-' || md5(random()::text) || ':email', now(), '');
COMMIT;
