-- pass.lua - an aligned SPF pass is accepted with dmarc=pass
dofile(lib)
local conn = dmarc.connect("192.0.2.10")
dmarc.send(conn, { mailfrom = "<a@pass.test>",
                   headers = { { "From", "Alice <a@pass.test>" } } })
dmarc.expect_reply(conn, SMFIR_ACCEPT)
dmarc.expect_ar(conn, "receiver.test; dmarc=pass %(p=reject dis=none%) header.from=pass.test")
dmarc.expect_ar(conn, "spf=pass smtp.mailfrom=pass.test")
mt.disconnect(conn)
