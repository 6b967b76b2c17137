"""The reports a person follows are in their data export, without the filer's data."""

from __future__ import annotations

import json

from guichet.cases import actions

from .test_export import built_export, open_archive


def test_the_export_lists_the_reports_the_person_follows_and_nothing_of_the_filer(world):
    # given Bob following Alice's pothole report
    actions.follow_request(request=world.pothole, person=world.bob)
    # when Bob's data is exported
    archive = open_archive(built_export(world.bob))
    # then the followed report is listed by its public facts only
    [followed] = json.loads(archive.read("signalements-suivis.json"))
    assert followed["reference"] == world.pothole.reference
    assert followed["origine"] == "suit le signalement"
    text = archive.read("signalements-suivis.json").decode("utf-8")
    assert "Alice" not in text and "Un trou profond" not in text
