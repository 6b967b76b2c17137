"""Inbound SMS (docs/inbound-sms.md): the SMS provider posts each message received on an
authority's number; it becomes a request in free text, triaged after commit (ADR 0028)."""
