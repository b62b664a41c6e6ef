-- 004: the reporter's index holds only messages with a usable DMARC
-- record (policy code 14 is never reported) and carries the policy code,
-- so every reporter query - the list of policy domains, the next message
-- after a period, the signature and reason walks - is answered from the
-- index alone; only the walk over the messages themselves reads the
-- table.  The list of policy domains becomes one index seek per domain
-- instead of a scan of every stored message.  Measured with
-- BENCH=reports (1M messages, 10 000 domains) and BENCH=import: see
-- sql/README.
DROP INDEX messages_by_pdomain;
CREATE INDEX messages_by_pdomain ON messages (pdomain_id, received, id, policy)
    WHERE policy <> 14;
