from __future__ import annotations

from claims.detection import detect, find_chrome, strip_chrome

PAGE = """\
Officials said the road would reopen on Friday.
veryGood! (3341)
View Date: 2024-03-01 10:22
- In: - Ukraine - Russia
Share this article
Sign up for our morning newsletter
Advertisement
Read more: Flood warnings in the north

Related
Flu shots safe for toddlers, FDA says
Recall widens for baby formula

The bridge was closed in 2019.
Maria Alvarez contributed to this report.
"""


def chrome_lines(text: str) -> list[str]:
    return [text[span.start : span.end] for span in find_chrome(text)]


def test_it_finds_every_kind_of_chrome_line():
    assert chrome_lines(PAGE) == [
        "veryGood! (3341)",
        "View Date: 2024-03-01 10:22",
        "- In: - Ukraine - Russia",
        "Share this article",
        "Sign up for our morning newsletter",
        "Advertisement",
        "Read more: Flood warnings in the north",
        "Related",
        "Flu shots safe for toddlers, FDA says",
        "Recall widens for baby formula",
        "Maria Alvarez contributed to this report.",
    ]


def test_it_strips_chrome_and_keeps_paragraph_breaks():
    assert strip_chrome(PAGE) == (
        "Officials said the road would reopen on Friday.\n\nThe bridge was closed in 2019."
    )


def test_it_ends_a_tight_link_list_at_a_blank_line():
    text = "Most read\nStorm hits coast\n\nWhat we know about the storm\nIt began on Friday."
    assert chrome_lines(text) == ["Most read", "Storm hits coast"]


def test_it_ends_a_spaced_link_list_at_a_normal_paragraph():
    text = (
        "More from CBS News\n\nStorm hits coast, police say\n\nTrain strike ends\n\n"
        "The storm reached the coast at noon, and officials said two people died."
    )
    assert chrome_lines(text) == [
        "More from CBS News",
        "Storm hits coast, police say",
        "Train strike ends",
    ]


def test_it_leaves_ordinary_sentences_alone():
    text = (
        "Share prices fell 3% on Monday.\nSubscribers complained about the price.\n"
        "Many factors contributed to the report's delay, officials said."
    )
    assert find_chrome(text) == []


def test_it_handles_windows_line_ends():
    text = "Advertisement\r\nOfficials said the road was closed.\r\n"
    assert chrome_lines(text) == ["Advertisement\r"]
    assert strip_chrome(text) == "Officials said the road was closed.\r\n".rstrip("\n")


def test_the_outlets_notes_stay_in_the_stored_text_but_are_not_searched():
    text = "The bridge reopened.\nCorrection: An earlier version gave the wrong date.\n"
    assert strip_chrome(text) == text.strip("\n")  # the reviewer still reads it
    (note,) = find_chrome(text)
    assert text[note.start : note.end].startswith("Correction:")


def test_it_finds_comment_headers_titles_notices_and_menu_items():
    text = (
        "harborfan88 says:\nNell Ostrander says:\nGuy Hence says:\nRuth M. Adair says:\n"
        "Tomas Reyes on March 3, 2024 at 7:12 pm said:\n"
        "Ferry fares to rise in spring, council says | Harbor Gazette\n"
        "Mayor Lind Denies Link To Contractor 12 comments\n"
        "We have updated our privacy policy to explain how we use your data.\n"
        "This site uses cookies to improve your experience.\n"
        "Latest News & Rumors\nSee tweets :\nPetra Lind reports.\n"
    )
    assert chrome_lines(text) == text.splitlines()


def test_it_keeps_quotes_opened_with_says_or_said():
    text = (
        'The minister says: "We will not leave."\nHe said:\nThe minister says:\n'
        "Mayor Ruth Lind says:\nOfficials said two people died - Reuters reported.\n"
    )
    assert find_chrome(text) == []


def test_a_name_before_says_and_a_quote_is_the_article_unless_a_thread_of_them():
    # "Elizabeth Warren says:" looks like a comment header: taken for one, the line was
    # dropped from the stored text and the quote under it lost its speaker.
    text = 'Ines Duarte says:\n"Unemployment fell to 3 percent last year, the lowest in 50 years."'
    assert find_chrome(text) == [] and strip_chrome(text) == text
    assert detect(text)[0].text == "Ines Duarte says:"
    thread = "Guy Hence says:\nGreat story.\nRuth Adair says:\nI disagree.\nOla Berg says:\nSame.\n"
    assert chrome_lines(thread) == ["Guy Hence says:", "Ruth Adair says:", "Ola Berg says:"]
    # Handles count towards the thread: with them, two names were kept and flagged.
    mixed = "pier_fan_77 says:\nTypical.\nharbourwatcher says:\nNo.\nGuy Hence says:\nYes.\n"
    assert chrome_lines(mixed) == ["pier_fan_77 says:", "harbourwatcher says:", "Guy Hence says:"]


def test_a_title_with_the_site_after_a_dash_is_skipped_but_kept_in_the_stored_text():
    text = "Ferry fares to rise, council says - Harbor Gazette\nAugust 8 – Tinley Park\n"
    assert chrome_lines(text) == text.splitlines()
    assert strip_chrome(text) == text.strip("\n")
