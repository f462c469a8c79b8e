"""A product or a plan unveiled is no claim; what an announcement says is."""

from __future__ import annotations

import pytest

from claims.detection import detect


@pytest.mark.parametrize(
    "sentence",
    [
        "Veldt Motors announced a new electric van at the Oslo show.",
        "The ministry revealed its latest budget, a thin one.",
        "Last week the agency announced the newest stage of its rail program.",
        "The studio is announcing an all-new season of the quiz.",
        "Harbor City reveals its upcoming bike lanes in a map.",
    ],
)
def test_a_new_thing_unveiled_is_not_flagged(sentence):
    assert detect(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The ministry announced a new curfew would start on Friday.", "The ministry"),
        ("The firm announced the new plant had already made a profit.", "The firm"),
        ("Lind announced that a new depot will open in May.", "Lind"),
        ("Ruth Lind announced her retirement on Tuesday.", "Ruth Lind"),
        ("The army announced the deaths of four soldiers.", "The army"),
        ("The ministry revealed its new plan was never costed.", "The ministry"),
        (
            "The health agency announced the new vaccine prevents most infections.",
            "The health agency",
        ),
        ("Officials revealed the latest figures show exports halved.", "Officials"),
        ("The council announced the new rules take effect on Monday.", "The council"),
    ],
)
def test_an_announcement_that_says_something_keeps_its_speaker(sentence, speaker):
    flags = detect(sentence)
    assert [flag.speaker.text for flag in flags if flag.speaker] == [speaker]
