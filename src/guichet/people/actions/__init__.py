"""Every write on the citizen record: one transaction and one journal event per call."""

from guichet.people.actions.accounts import (
    AccountSignIn,
    change_email,
    sign_in_with_account,
    unlink_account,
)
from guichet.people.actions.applicants import Applicant, person_for
from guichet.people.actions.choices import record_consent, set_preferences
from guichet.people.actions.lookups import record_counter_access
from guichet.people.actions.merge import merge_persons, person_relations
from guichet.people.actions.organisations import create_organisation
from guichet.people.actions.persons import (
    MatchResult,
    add_identity,
    create_person,
    dismiss_suspicion,
    find_or_create_person,
    identity_level,
    normalise_identity,
    suspect_duplicate,
    verify_identity,
)
from guichet.people.actions.records import change_organisation, change_person, save_household
from guichet.people.actions.rectification import (
    Rectification,
    change_phone,
    rectify_person,
)
from guichet.people.errors import IdentityConflict, MergeRefused, PeopleError
from guichet.people.identifiers import IdentifierError

__all__ = [
    "AccountSignIn",
    "Applicant",
    "IdentifierError",
    "IdentityConflict",
    "MatchResult",
    "MergeRefused",
    "PeopleError",
    "Rectification",
    "add_identity",
    "change_email",
    "change_organisation",
    "change_phone",
    "change_person",
    "create_organisation",
    "create_person",
    "dismiss_suspicion",
    "find_or_create_person",
    "identity_level",
    "merge_persons",
    "normalise_identity",
    "person_for",
    "person_relations",
    "record_consent",
    "record_counter_access",
    "rectify_person",
    "save_household",
    "set_preferences",
    "sign_in_with_account",
    "suspect_duplicate",
    "unlink_account",
    "verify_identity",
]
