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
from guichet.cases.actions.duplicates import MergeRefused, merge_request, unmerge_request
from guichet.cases.actions.followers import FollowError, follow_request, unfollow_request
from guichet.cases.actions.handling import (
    StaleRequest,
    assign,
    change_status,
    hand_off,
    link_requests,
    record_contact,
)
from guichet.cases.actions.inbound import (
    file_email_for_triage,
    file_free_text,
    receive_email_reply,
)
from guichet.cases.actions.intake import IntakeError, NotPermitted, file_request, submit_request
from guichet.cases.actions.requalify import RequalifyError, requalify
from guichet.cases.actions.testing import file_test_request
from guichet.cases.actions.versions import MappingError, move_open_requests, states_to_map

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
    "file_free_text",
    "file_request",
    "file_test_request",
    "FollowError",
    "follow_request",
    "hand_off",
    "link_requests",
    "MergeRefused",
    "merge_request",
    "MappingError",
    "move_open_requests",
    "receive_email_reply",
    "record_contact",
    "RequalifyError",
    "requalify",
    "reply_as_person",
    "save_routing_rule",
    "save_workflow_definition",
    "send_message",
    "states_to_map",
    "submit_request",
    "unmerge_request",
    "unfollow_request",
]
