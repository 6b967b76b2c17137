"""The journal kinds about persons that other modules read back (the others are written in
`people.actions` as literals)."""

CREATED = "person.created"
# An agent reached a person without a relationship with their authorities, at the counter
# (an exact e-mail or phone): who, when, which person and why are in the event.
COUNTER_ACCESS = "person.counter_access"

# Why an agent looked a person up at the counter (the event's `reason`).
FILING_AT_COUNTER = "création au guichet"
BOOKING_AT_COUNTER = "rendez-vous au guichet"
