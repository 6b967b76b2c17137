-- pgbench: the request row a web filing inserts, alone, into cases_request itself (same
-- indexes, same foreign keys). Random 12-character reference and secret (lower-case hex:
-- they never clash with the product's upper-case references). Variables from intake.py.
INSERT INTO cases_request (reference, tracking_secret, channel, state, public_status, summary,
  form_data, address, received_at, due_at, pauses, updated_at, authority_id, commune_id,
  person_id, service_id, team_id)
VALUES (substr(md5(random()::text), 1, 12), substr(md5(random()::text), 1, 32), 'web',
  'received', 'ongoing', 'Poser une question à la mairie',
  '{"sujet": "Horaires d''ouverture", "message": "Bonjour, quels sont les horaires de la mairie le samedi ? Merci.", "reponse_par": "courriel", "courriel": "bench@exemple.fr"}',
  '', now(), now() + interval '14 days', '[]', now(), :authority, :commune, :person, :service,
  :team);
