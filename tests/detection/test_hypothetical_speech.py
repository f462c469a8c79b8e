"""Speech that no one gave: what someone may or might say."""

from __future__ import annotations

import pytest

from claims.detection import detect


@pytest.mark.parametrize(
    "sentence",
    [
        "Some readers may argue that the library should stay open late.",
        "Skeptics might say the bridge was never safe.",
        "The council may still believe the levy is worth paying.",
        "The landlord might well claim the heating was fixed in March.",
        "As my grandmother would say, the proof of the pudding is in the eating.",
    ],
)
def test_what_someone_may_or_would_have_said_is_not_flagged(sentence):
    assert detect(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        # The speech itself is reported; the modal is inside what was said.
        ("The mayor said the depot may close in June.", "The mayor"),
        ("Ruth Lind would later say that the vote was rigged.", "Ruth Lind"),
        ("Critics would call the plan a giveaway.", "Critics"),
        ("Few voters would have described him as a reformer.", "Few voters"),
        ("Theresa May said the talks had stalled.", "Theresa May"),
    ],
)
def test_speech_that_was_given_keeps_its_speaker(sentence, speaker):
    flags = detect(sentence)
    assert [flag.speaker.text for flag in flags if flag.speaker] == [speaker]
