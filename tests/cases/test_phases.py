"""One table of phase labels for both sides, the step as the detail (no database)."""

import pytest

from guichet.cases import phases
from guichet.cases.workflow import DEFAULT_WORKFLOW


# fmt: off
@pytest.mark.parametrize(("state", "person", "agent"), [
    #  state           the person's step           the agent's step
    ("received",      "reçue",                    "reçue"),
    ("qualified",     "",                         "qualifiée"),   # kept off the person's timeline
    ("in_progress",   "en cours de traitement",   "en cours de traitement"),
    ("waiting_user",  "",                         ""),            # the phase says it, each in its words
    ("resolved",      "",                         ""),
    ("rejected",      "rejetée",                  "rejetée"),
    ("closed",        "",                         "clôturée"),
])
# fmt: on
def test_each_default_state_has_its_step_under_its_phase(state, person, agent):
    assert phases.state_detail(DEFAULT_WORKFLOW, state, for_person=True) == person
    assert phases.state_detail(DEFAULT_WORKFLOW, state, for_person=False) == agent


def test_every_generic_status_reads_the_same_on_both_sides_but_the_wait_for_the_person():
    for status, phase in phases.PHASES.items():
        if status == "action_needed":
            assert phase.person == "action attendue de votre part"
            assert phase.agent == "en attente de l'usager"
        else:
            assert phase.person == phase.agent == phases.agent_label(status)


def test_an_unknown_state_or_status_is_said_as_it_is():
    assert phases.state_detail(DEFAULT_WORKFLOW, "nowhere", for_person=True) == ""
    assert phases.person_label("other") == phases.agent_label("other") == "other"
