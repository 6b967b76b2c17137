-- pgbench: every row one anonymous web filing writes, in one transaction, as the product
-- does: the new person, their e-mail identity and its journal event, the request (inserted,
-- then its due date set), its journal event, and the visitor's new session. The product's
-- reads (routing, duplicate look-up, rate limit...) are not here: writes only.
BEGIN;
INSERT INTO people_person (first_name, last_name, category, address, created_at, updated_at,
  commune_id, search_name)
VALUES ('Camille', 'Martin', 'resident', '', now(), now(), :commune, 'camille martin')
RETURNING id \gset p_
INSERT INTO people_identity (kind, value, provider, verification, created_at, person_id)
VALUES ('email', 'pgbench.' || md5(random()::text) || '@exemple.fr', '', 0, now(), :p_id);
INSERT INTO core_event (occurred_at, kind, actor_type, resource, channel, authority_id,
  person_id, subject_type, visible_to_person, payload)
VALUES (now(), 'person.created', 'application', 'application:portail', 'web', NULL, :p_id, '',
  false, '{"identities": ["email"], "suspicions": []}');
INSERT INTO cases_request (reference, tracking_secret, channel, state, public_status, summary,
  form_data, address, received_at, pauses, updated_at, authority_id, commune_id, person_id,
  service_id, team_id)
VALUES (substr(md5(random()::text), 1, 12), substr(md5(random()::text), 1, 32), 'web',
  'received', 'ongoing', 'Poser une question à la mairie',
  '{"sujet": "Horaires d''ouverture", "message": "Bonjour, quels sont les horaires de la mairie le samedi ? Merci.", "reponse_par": "courriel", "courriel": "bench@exemple.fr"}',
  '', now(), '[]', now(), :authority, :commune, :p_id, :service, :team)
RETURNING id \gset r_
UPDATE cases_request SET due_at = now() + interval '14 days', updated_at = now()
WHERE id = :r_id;
INSERT INTO core_event (occurred_at, kind, actor_type, resource, channel, authority_id,
  person_id, case_id, subject_type, visible_to_person, payload)
VALUES (now(), 'request.received', 'person', 'usager:' || :p_id, 'web', :authority, :p_id,
  :r_id, '', true, '{"channel": "web", "service": "question-generale", "routed_by": "default"}');
INSERT INTO django_session (session_key, session_data, expire_date)
VALUES ('pgbench' || substr(md5(random()::text), 1, 32), repeat('x', 180),
  now() + interval '14 days');
COMMIT;
