-- trusted_ar.lua - a DKIM pass in a trusted Authentication-Results makes
-- DMARC pass; the same result from another authserv-id does not
dofile(lib)
local conn = dmarc.connect("192.0.2.10")
dmarc.send(conn, { mailfrom = "<a@reject.test>", headers = {
    { "Authentication-Results",
      "receiver.test; dkim=pass header.d=reject.test header.s=s1" },
    { "From", "a@reject.test" } } })
dmarc.expect_reply(conn, SMFIR_ACCEPT)
dmarc.expect_ar(conn, "dmarc=pass")
mt.disconnect(conn)
conn = dmarc.connect("192.0.2.10")
dmarc.send(conn, { mailfrom = "<a@reject.test>", headers = {
    { "Authentication-Results",
      "mx.attacker.test; dkim=pass header.d=reject.test header.s=s1" },
    { "From", "a@reject.test" } } })
dmarc.expect_reply(conn, SMFIR_REPLYCODE)
mt.disconnect(conn)
