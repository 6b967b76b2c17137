"""The journal kinds this app appends: what became of each inbound e-mail."""

MAIL_ACCEPTED = "inbound_mail.accepted"  # turned into a message or a request
MAIL_QUARANTINED = "inbound_mail.quarantined"  # kept for an agent, nothing filed
MAIL_REJECTED = "inbound_mail.rejected"  # refused at SMTP level (too large)
