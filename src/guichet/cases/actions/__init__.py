"""Every write on requests: intake (`file_request`, the one filing path of every channel),
handling, conversation. Import from here."""

from guichet.cases.actions._common import AttachmentError
from guichet.cases.actions.configuration import (
    delete_routing_rule,
    save_routing_rule,
    save_workflow_definition,
)
from guichet.cases.actions.conversation import (
    add_attachments,
    add_note,
    reply_as_person,
    send_message,
)
from guichet.cases.actions.handling import (
    StaleRequest,
    assign,
    change_status,
    hand_off,
    link_requests,
    record_contact,
)
from guichet.cases.actions.inbound import file_email_for_triage, receive_email_reply
from guichet.cases.actions.intake import IntakeError, NotPermitted, file_request, submit_request
from guichet.cases.actions.testing import file_test_request

__all__ = [
    "AttachmentError",
    "add_attachments",
    "IntakeError",
    "NotPermitted",
    "StaleRequest",
    "add_note",
    "assign",
    "change_status",
    "delete_routing_rule",
    "file_email_for_triage",
    "file_request",
    "file_test_request",
    "hand_off",
    "link_requests",
    "receive_email_reply",
    "record_contact",
    "reply_as_person",
    "save_routing_rule",
    "save_workflow_definition",
    "send_message",
    "submit_request",
]
