-- 003: the reporter's index covers every column a report groups on, so
-- building one policy domain's report reads the index alone, in domain
-- order, instead of one table row per message scattered over the file.
-- id is listed after received so the rows of a period come in (received,
-- id) order, the order the signature and override streams follow.
DROP INDEX messages_by_pdomain;
CREATE INDEX messages_by_pdomain ON messages (pdomain_id, received, id,
    policy, ip_id, action, align_dkim, align_spf, from_id, env_id, spf,
    spf_scope, spf_domain_id, sigcount);
