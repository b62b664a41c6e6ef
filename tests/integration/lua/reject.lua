-- reject.lua - a p=reject failure is rejected (RejectFailures true)
dofile(lib)
local conn = dmarc.connect("192.0.2.10")
dmarc.send(conn, { mailfrom = "<a@reject.test>",
                   headers = { { "From", "a@reject.test" } } })
dmarc.expect_reply(conn, SMFIR_REPLYCODE)
mt.disconnect(conn)
