from __future__ import annotations

from claims.detection import fingerprint


def test_it_links_the_same_claim_written_two_ways():
    assert fingerprint("“We control the airport,” the group’s spokesman said.") == fingerprint(
        '"We control  the airport,"  the group\'s SPOKESMAN said'
    )


def test_it_tells_different_claims_apart():
    assert fingerprint("The army said 12 drones were shot down.") != fingerprint(
        "The army said 21 drones were shot down."
    )
