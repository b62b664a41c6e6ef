#!/usr/bin/env python3
"""report_parts.py - take the aggregate reports out of delivered mails.

usage: report_parts.py OUTDIR MAIL...

For every MAIL (an RFC 5322 message file, as Postfix's virtual agent
delivered it), finds the application/gzip (or application/zip) part,
decodes its transfer encoding and writes it to OUTDIR under the file name
the part gives (RFC 7489 section 7.2.1.1), then prints one line per report:
"NAME<TAB>SUBJECT".  Exits 1 when a mail holds no report part or a part
has no file name, 0 otherwise.  Python standard library only.
"""
import email
import email.policy
import os
import sys

REPORT_TYPES = ("application/gzip", "application/zip")


def parts_of(path):
    """The (file name, bytes) of every report part of the mail at path."""
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    found = []
    for part in msg.walk():
        if part.get_content_type() in REPORT_TYPES:
            found.append((part.get_filename(), part.get_payload(decode=True)))
    return str(msg.get("Subject", "")), found


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: report_parts.py OUTDIR MAIL...\n")
        return 64
    outdir = argv[1]
    rc = 0
    for path in argv[2:]:
        subject, found = parts_of(path)
        if not found:
            sys.stderr.write("%s: no report part\n" % path)
            rc = 1
        for name, data in found:
            if not name or "/" in name:
                sys.stderr.write("%s: report part without a file name\n" % path)
                rc = 1
                continue
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(data)
            print("%s\t%s" % (name, subject))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
