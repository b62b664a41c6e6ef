# shellcheck shell=bash
# lib.sh - the end-to-end harness: a private Postfix, OpenDKIM signing and
# verifying through libunbound, and the messages between them (sourced by
# bash: it uses /dev/tcp).
#
# Everything runs inside the network namespace of the calling test (see
# tests/integration/e2e_postfix.sh), where NSD answers on 127.0.0.1:53 and
# /etc/resolv.conf names it; every file lives under the test's folder
# $E2E_DIR, and nothing listens beyond loopback.  Shared testing-notes.md
# explains the choices (private Postfix instance, unbound configuration of
# OpenDKIM, documentation addresses on lo for SPF).
#
# One Postfix instance plays both ends:
#   127.0.0.1:E2E_SMTP_PORT    the receiving MX, mx.receiver.test, with
#                              the milters under test (OpenDKIM verifying,
#                              then dmarc-milter); delivers into Maildirs
#   127.0.0.1:E2E_SUBMIT_PORT  the sending domain's outbound MTA: the
#                              OpenDKIM signer as its milter, then every
#                              message relayed to the MX by the transport
#                              "signed-out" from E2E_SIGNER_IP under the
#                              name mail.sender.test (so the MX sees an
#                              ordinary remote client, and the smtp
#                              client's loop check does not see its own
#                              name)
#
# Functions:
#   e2e_wait_tcp PORT [TRIES]   until 127.0.0.1:PORT accepts connections
#                               (TRIES tenths of a second, 100 by default)
#   e2e_unbound_conf            libunbound configuration for OpenDKIM:
#                               forward everything to 127.0.0.1@53, allow
#                               localhost, no DNSSEC, .test not blocked
#   e2e_opendkim_start NAME PORT
#                               OpenDKIM in the foreground on PORT, with
#                               the configuration lines on standard input
#                               added to the common ones; returns 1 with
#                               its log when it does not listen
#   e2e_postfix_conf MILTERS    main.cf and master.cf of the private
#                               Postfix, MILTERS as smtpd_milters and
#                               non_smtpd_milters of the MX
#   e2e_postfix_start           "postfix -c DIR start"; waits for smtpd
#   e2e_postfix_stop            "postfix -c DIR stop" (abort if it hangs)
#   e2e_sendmail                write a wrapper running the private
#                               Postfix's sendmail; prints its path
#   e2e_send IP FROM TO FILE [PORT]
#                               swaks from IP (on lo) to the MX (or PORT);
#                               prints the transcript, returns swaks' status
#   e2e_wait_queue              until the queue holds nothing but held
#                               messages (10 s at most)
#   e2e_mailbox USER            the paths of USER's delivered messages
#   e2e_held                    postqueue -p lines of held messages ("!")
#   e2e_header FILE NAME        the unfolded NAME header fields of FILE
#   e2e_stop_all                stop Postfix and every pid in
#                               $E2E_DIR/pids (for the caller's trap)

# shellcheck disable=SC2034 # the ports and names are the caller's too
{
E2E_HOST=mx.receiver.test
E2E_SMTP_PORT=2525
E2E_SUBMIT_PORT=2587
E2E_DKIM_PORT=8891
E2E_SIGN_PORT=8892
E2E_DMARC_PORT=8893
E2E_SIGNER_IP=192.0.2.25
E2E_USERS="bob postmaster dmarc-rua"
E2E_PF="$E2E_DIR/postfix"
E2E_MAIL_UID=65534 # nobody: the virtual agent needs no system user
}

e2e_wait_tcp() {
    _n=0
    while [ "$_n" -lt "${2:-100}" ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
        _n=$((_n + 1))
    done
    return 1
}

e2e_unbound_conf() {
    cat >"$E2E_DIR/unbound.conf" <<'EOF'
server:
    do-not-query-localhost: no
    module-config: "iterator"
    domain-insecure: "test"
    local-zone: "test." nodefault
    do-ip6: no
    qname-minimisation: no
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@53
EOF
}

e2e_opendkim_start() {
    {
        printf 'Socket inet:%s@127.0.0.1\n' "$2"
        printf 'PidFile %s/opendkim-%s.pid\n' "$E2E_DIR" "$1"
        printf 'ResolverConfiguration %s/unbound.conf\n' "$E2E_DIR"
        printf 'Syslog no\nRequireSafeKeys false\n'
        cat
    } >"$E2E_DIR/opendkim-$1.conf"
    opendkim -f -x "$E2E_DIR/opendkim-$1.conf" >"$E2E_DIR/opendkim-$1.log" \
        2>&1 &
    echo $! >>"$E2E_DIR/pids"
    if ! e2e_wait_tcp "$2"; then
        cat "$E2E_DIR/opendkim-$1.log" >&2
        return 1
    fi
    return 0
}

# _e2e_master_cf - the services of the private instance, none chrooted
_e2e_master_cf() {
    cat <<EOF
127.0.0.1:$E2E_SMTP_PORT inet n - n - - smtpd
127.0.0.1:$E2E_SUBMIT_PORT inet n - n - - smtpd
  -o smtpd_milters=inet:127.0.0.1:$E2E_SIGN_PORT
  -o content_filter=signed-out:[127.0.0.1]:$E2E_SMTP_PORT
signed-out unix - - n - - smtp
  -o smtp_bind_address=$E2E_SIGNER_IP
  -o myhostname=mail.sender.test
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
smtp      unix  -       -       n       -       -       smtp
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

e2e_postfix_conf() {
    mkdir -p "$E2E_PF/etc" "$E2E_PF/queue" "$E2E_PF/data" "$E2E_PF/mail"
    chown postfix "$E2E_PF/data"
    chown "$E2E_MAIL_UID" "$E2E_PF/mail"
    _e2e_master_cf >"$E2E_PF/etc/master.cf"
    # texthash: no postmap needed; each user has a Maildir of its name
    for _u in $E2E_USERS; do
        printf '%s@receiver.test %s/\n' "$_u" "$_u"
    done >"$E2E_PF/etc/vmailbox"
    # the error transports: nothing ever leaves for another host (the
    # signed-out content filter names its own transport); no bounces
    cat >"$E2E_PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $E2E_PF/queue
data_directory = $E2E_PF/data
maillog_file = $E2E_PF/maillog
maillog_file_prefixes = $E2E_PF
myhostname = $E2E_HOST
mydomain = receiver.test
myorigin = receiver.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
default_transport = error:no mail leaves this test
relay_transport = error:no mail leaves this test
local_transport = error:no local delivery in this test
notify_classes =
alias_maps =
alias_database =
biff = no
smtputf8_enable = no
virtual_mailbox_domains = receiver.test
virtual_mailbox_base = $E2E_PF/mail
virtual_mailbox_maps = texthash:$E2E_PF/etc/vmailbox
virtual_uid_maps = static:$E2E_MAIL_UID
virtual_gid_maps = static:$E2E_MAIL_UID
virtual_minimum_uid = 100
smtpd_milters = $1
non_smtpd_milters = $1
milter_default_action = accept
EOF
}

e2e_postfix_start() {
    # the postfix user walks to the queue, nobody to the Maildirs
    chmod 755 "$E2E_DIR" "$E2E_PF"
    # postfix(1) writes to standard error only when it is a terminal, to
    # syslog otherwise (and there may be none): script(1) gives it one
    script -qec "postfix -c '$E2E_PF/etc' check &&
        postfix -c '$E2E_PF/etc' start" /dev/null >"$E2E_PF/start.log" 2>&1
    if ! e2e_wait_tcp "$E2E_SMTP_PORT"; then
        { cat "$E2E_PF/start.log" "$E2E_PF/maillog"; } >&2 2>/dev/null
        return 1
    fi
    return 0
}

e2e_postfix_stop() {
    [ -f "$E2E_PF/etc/main.cf" ] || return 0
    postfix -c "$E2E_PF/etc" status >/dev/null 2>&1 || return 0
    timeout 20 postfix -c "$E2E_PF/etc" stop >/dev/null 2>&1 ||
        postfix -c "$E2E_PF/etc" abort >/dev/null 2>&1
    return 0
}

e2e_sendmail() {
    printf '#!/bin/sh\nexec /usr/sbin/sendmail -C %s "$@"\n' "$E2E_PF/etc" \
        >"$E2E_DIR/sendmail"
    chmod 755 "$E2E_DIR/sendmail"
    echo "$E2E_DIR/sendmail"
}

e2e_send() {
    swaks --server "127.0.0.1:${5:-$E2E_SMTP_PORT}" --local-interface "$1" \
        --helo "mail.${2#*@}" --from "$2" --to "$3" --data "@$4" \
        --timeout 30 2>&1
}

e2e_wait_queue() {
    _n=0
    while [ "$_n" -lt 100 ]; do
        if ! postqueue -c "$E2E_PF/etc" -p 2>/dev/null |
            grep -qE '^[0-9A-F]+[*[:space:]]'; then
            return 0
        fi
        sleep 0.1
        _n=$((_n + 1))
    done
    return 1
}

e2e_mailbox() {
    find "$E2E_PF/mail/$1/new" "$E2E_PF/mail/$1/cur" -type f 2>/dev/null |
        sort
}

e2e_held() {
    postqueue -c "$E2E_PF/etc" -p 2>/dev/null | grep -E '^[0-9A-F]+!'
}

e2e_stop_all() {
    e2e_postfix_stop
    [ -f "$E2E_DIR/pids" ] || return 0
    while read -r _p; do
        kill "$_p" 2>/dev/null
    done <"$E2E_DIR/pids"
    while read -r _p; do
        _n=0
        while kill -0 "$_p" 2>/dev/null && [ "$_n" -lt 30 ]; do
            sleep 0.1
            _n=$((_n + 1))
        done
        kill -9 "$_p" 2>/dev/null
        wait "$_p" 2>/dev/null
    done <"$E2E_DIR/pids"
    rm -f "$E2E_DIR/pids"
    return 0
}

# e2e_header FILE NAME - the unfolded header fields NAME of the message
# in FILE, one per line (name compared without regard to case)
e2e_header() {
    awk -v want="$(echo "$2" | tr '[:upper:]' '[:lower:]')" '
        /^$/ { exit }
        /^[ \t]/ { if (keep) { sub(/^[ \t]+/, " "); cur = cur $0 }; next }
        { if (keep) print cur
          n = index($0, ":"); name = tolower(substr($0, 1, n - 1))
          keep = (name == want); cur = $0 }
        END { if (keep) print cur }' "$1"
}
