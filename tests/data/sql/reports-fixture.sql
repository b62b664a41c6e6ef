-- reports-fixture.sql - known content for tests/integration/reports_run.sh
-- (load after sql/schema.sql).  2025-12-02 (1764633600) is day 0.
-- Ground truth, example.org day 0: 7 messages in 4 records
-- (192.0.2.1 x3, 2001:db8::1 x2, 192.0.2.1 x1, 2001:db8::1 x1);
-- example.org day 1: 1 message; other.test day 0: 1 message, no rua.
INSERT INTO reporters VALUES (1, 'mta.receiver.example');
INSERT INTO domains VALUES (1, 'example.org'), (2, 'bounce.example.org'),
  (3, 'sub.example.org'), (4, 'other.test'), (5, 'mx.example.org'),
  (6, 'sig.example');
INSERT INTO ipaddrs VALUES (1, '192.0.2.1'), (2, '2001:db8::1');
INSERT INTO requests VALUES
  (1, 1, 'mailto:rua@example.org,mailto:x@red.test!10k', 100, 114, 115, 113,
   0, 5, 0, 0, 0),
  (2, 4, '', 50, 114, 114, 114, 110, 0, 0, 0, 0);
INSERT INTO messages (id, received, rec_hash, jobid, reporter_id, ip_id,
  from_id, env_id, pdomain_id, request_id, spf, spf_scope, spf_domain_id,
  policy, action, align_dkim, align_spf, arc, arc_policy, sigcount,
  discovery, hist_version) VALUES
  (1, 1764633610, 1, 'Q1', 1, 1, 1, 2, 1, 1, 2, 1, 2, 15, 2, 4, 5, -1, 0, 1, 1, 1),
  (2, 1764633620, 2, 'Q2', 1, 1, 1, 2, 1, 1, 2, 1, 2, 15, 2, 4, 5, -1, 0, 1, 1, 1),
  (3, 1764633630, 3, 'Q3', 1, 1, 1, 2, 1, 1, 2, 1, 2, 15, 2, 4, 5, -1, 0, 1, 1, 1),
  (4, 1764633640, 4, 'Q4', 1, 1, 1, 2, 1, 1, 2, 1, 2, 15, 2, 4, 5, -1, 0, 2, 1, 1),
  (5, 1764633650, 5, 'Q5', 1, 2, 3, NULL, 1, 1, 0, 2, 5, 17, 2, 5, 5, -1, 0, 0, 1, 1),
  (6, 1764633660, 6, 'Q6', 1, 2, 3, NULL, 1, 1, 0, 2, 5, 17, 2, 5, 5, -1, 0, 0, 1, 1),
  (7, 1764633670, 7, 'Q7', 1, 2, 1, 2, 1, 1, 7, 1, 2, 17, 2, 5, 5, -1, 0, 0, 1, 1),
  (8, 1764720005, 8, 'Q8', 1, 1, 1, 2, 1, 1, 2, 1, 2, 15, 2, 4, 5, -1, 0, 1, 1, 1),
  (9, 1764633700, 9, 'Q9', 1, 1, 4, 4, 4, 2, 0, 1, 4, 15, 2, 4, 4, -1, 0, 0, 1, 1);
INSERT INTO signatures VALUES (1, 0, 6, 'sel1', 0), (2, 0, 6, 'sel1', 0),
  (3, 0, 6, 'sel1', 0), (4, 0, 6, 'sel1', 0), (4, 1, 1, NULL, 7);
INSERT INTO overrides VALUES (7, 0, 'forwarded', ''),
  (7, 1, 'policy_test_mode', 'x');
