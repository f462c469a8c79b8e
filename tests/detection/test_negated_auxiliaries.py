"""A negated auxiliary ("don't", "haven’t") before a verb of saying is no speaker."""

from __future__ import annotations

from claims.detection import detect


def test_a_negated_auxiliary_alone_is_no_speaker():
    assert detect("What the candidates do or don't say tonight will matter.") == []


def test_a_negated_auxiliary_is_no_part_of_the_speaker():
    for sentence in ("Officials haven't said why the depot shut.", "Lind hasn’t said who paid."):
        [flag] = detect(sentence)
        assert flag.speaker is not None
        assert flag.speaker.text == sentence.split(" ha")[0]


def test_no_comment_is_no_claim():
    assert detect("The council could not comment on the audit.") == []
    assert detect("The firm didn’t immediately comment.") == []
    [flag] = detect("Ines Moreau said she cannot comment on the audit.")
    assert [cue.text for cue in flag.cues] == ["said"]
    assert flag.speaker is not None and flag.speaker.text == "Ines Moreau"
