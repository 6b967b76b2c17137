import pytest

from guichet.core.journal import Actor


@pytest.fixture
def actor():
    return Actor.system("tests")
