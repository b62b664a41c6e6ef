-- quarantine.lua - p=quarantine with HoldQuarantinedMessages: the filter
-- asks the MTA to hold the message
dofile(lib)
local conn = dmarc.connect("192.0.2.10")
dmarc.send(conn, { mailfrom = "<a@quar.test>",
                   headers = { { "From", "a@quar.test" } } })
dmarc.expect_reply(conn, SMFIR_ACCEPT)
if not mt.eom_check(conn, MT_QUARANTINE) then
    error("no quarantine request")
end
dmarc.expect_ar(conn, "dmarc=fail %(p=quarantine dis=quarantine%)")
mt.disconnect(conn)
