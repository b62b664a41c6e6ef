-- dmarc.lua - shared helpers for the miltertest scenarios of
-- tests/integration/milter_lua.sh, so each scenario is only its story.
-- The runner defines the globals sock (the filter's socket) and lib (this
-- file) with "miltertest -D"; a scenario starts with dofile(lib).
--
--   local conn = dmarc.connect("192.0.2.10")
--   dmarc.send(conn, { mailfrom = "<a@pass.test>",
--                      headers = { { "From", "a@pass.test" } } })
--   dmarc.expect_reply(conn, SMFIR_ACCEPT)
--   dmarc.expect_ar(conn, "dmarc=pass")
--   mt.disconnect(conn)

dmarc = {}

-- dmarc.connect - connect to the filter and send the client address
function dmarc.connect(ip)
    local conn = mt.connect(sock, 40, 0.05)
    if conn == nil then
        error("cannot connect to " .. sock)
    end
    mt.macro(conn, SMFIC_CONNECT, "j", "receiver.test")
    if mt.conninfo(conn, "client.example.test", ip) ~= nil then
        error("mt.conninfo failed")
    end
    return conn
end

-- dmarc.send - one message: HELO, envelope, headers, end of message
function dmarc.send(conn, m)
    mt.macro(conn, SMFIC_MAIL, "i", m.jobid or "LUA0001")
    if mt.helo(conn, m.helo or "mail.example.test") ~= nil then
        error("mt.helo failed")
    end
    if mt.mailfrom(conn, m.mailfrom) ~= nil then
        error("mt.mailfrom failed")
    end
    if mt.rcptto(conn, "<postmaster@receiver.test>") ~= nil then
        error("mt.rcptto failed")
    end
    local hdrs = m.headers
    table.insert(hdrs, { "Date", "Tue, 24 Nov 2026 10:00:00 +0000" })
    for _, h in ipairs(hdrs) do
        if mt.header(conn, h[1], h[2]) ~= nil then
            error("mt.header failed")
        end
    end
    -- the filter has no end-of-header callback and asks the MTA not to
    -- send it (SMFIP_NOEOH); miltertest refuses mt.eoh() then
    if not mt.test_option(conn, SMFIP_NOEOH) and mt.eoh(conn) ~= nil then
        error("mt.eoh failed")
    end
    -- no body: the filter negotiates it away (SMFIP_NOBODY)
    if mt.eom(conn) ~= nil then
        error("mt.eom failed")
    end
end

-- dmarc.expect_reply - the filter's last reply must be want
function dmarc.expect_reply(conn, want)
    local got = mt.getreply(conn)
    if got ~= want then
        error("reply " .. tostring(got) .. ", expected " .. tostring(want))
    end
end

-- dmarc.expect_ar - an added Authentication-Results matches pattern
-- (a Lua pattern, plain text with magic characters escaped)
function dmarc.expect_ar(conn, pattern)
    for n = 0, 3 do
        local v = mt.getheader(conn, "Authentication-Results", n)
        if v ~= nil and string.find(v, pattern) ~= nil then
            return
        end
    end
    error("no added Authentication-Results matches " .. pattern)
end
