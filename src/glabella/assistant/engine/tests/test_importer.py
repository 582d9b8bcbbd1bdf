"""Importing a clinic's FAQ document (plain text, Markdown, CSV) as knowledge-base entries."""

from pathlib import Path

import pytest

from glabella.assistant.engine.importer import (
    DocumentError,
    ImportedEntry,
    detect_format,
    parse_document,
    question_key,
)

# parents[5] is the clone (…/main); CI lays shared/ beside it.
REPO_ROOT = Path(__file__).resolve().parents[5]
SEED_FILE = REPO_ROOT.parent / "shared" / "seed" / "common-neuromodulator-questions.txt"
BOTOX_DYSPORT = "What is the difference between Botox and Dysport?"
SEED_QUESTIONS = [
    "About: Common Neuromodulator Questions",
    "What can I expect from the procedure?",
    "Are there side effects?",
    "What can I expect after treatment?",
    BOTOX_DYSPORT,
]


def questions(entries: list[ImportedEntry]) -> list[str]:
    return [entry.question for entry in entries]


def answers(entries: list[ImportedEntry]) -> dict[str, str]:
    return {entry.question: entry.answer for entry in entries}


def raises_document_error(text: str, fmt: str, *fragments: str) -> str:
    with pytest.raises(DocumentError) as caught:
        parse_document(text, fmt)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    return message


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_FILE.is_file():
        pytest.skip(f"seed document not found at {SEED_FILE} (shared/ lies beside the clone)")
    return SEED_FILE.read_text(encoding="utf-8")


# The seed document


def test_seed_file_parses_into_its_opening_section_and_four_questions(seed_text):
    entries = parse_document(seed_text, "text")
    assert len(entries) == 5
    assert questions(entries) == SEED_QUESTIONS
    assert [entry.position for entry in entries] == [1, 2, 3, 4, 5]
    assert all(entry.topic is None for entry in entries)


def test_seed_botox_dysport_answer_holds_its_whole_paragraph(seed_text):
    lines = seed_text.splitlines()
    question_line = next(i for i, line in enumerate(lines) if line.strip() == BOTOX_DYSPORT)
    paragraph = next(line for line in lines[question_line + 1 :] if line.strip()).rstrip()
    answer = answers(parse_document(seed_text, "text"))[BOTOX_DYSPORT]
    assert answer == paragraph
    assert answer.startswith("Dysport is more diluted than Botox")
    assert answer.endswith("achieve the results you want.")


def test_seed_opening_section_keeps_both_paragraphs_and_curly_apostrophes(seed_text):
    about = parse_document(seed_text, "text")[0]
    paragraphs = about.answer.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Neuromodulators relax muscles")
    assert paragraphs[1].startswith("Neuromodulators will not help")
    assert "don\u2019t" in about.answer
    assert "'" not in about.answer


def test_seed_keys_are_slugs_that_stay_the_same_across_parses(seed_text):
    first = parse_document(seed_text, "text")
    second = parse_document(seed_text, "text")
    assert [entry.key for entry in first] == [entry.key for entry in second]
    assert [entry.key for entry in first] == [
        "about-common-neuromodulator-questions",
        "what-can-i-expect-from-the-procedure",
        "are-there-side-effects",
        "what-can-i-expect-after-treatment",
        "what-is-the-difference-between-botox-and-dysport",
    ]


def test_seed_parses_the_same_with_windows_line_endings_and_a_byte_order_mark(seed_text):
    windows = "\ufeff" + seed_text.replace("\n", "\r\n")
    assert parse_document(windows, "text") == parse_document(seed_text, "text")


# Keys


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("What can I expect from the procedure?", "what-can-i-expect-from-the-procedure"),
        ("  WHAT can I expect -- from the procedure ?? ", "what-can-i-expect-from-the-procedure"),
        ("Don\u2019t I need a consultation?", "dont-i-need-a-consultation"),
        ("Don't I need a consultation?", "dont-i-need-a-consultation"),
        ("Est-ce que ça fait mal ?", "est-ce-que-ca-fait-mal"),
        ("Botox_vs_Dysport: 1 or 2?", "botox-vs-dysport-1-or-2"),
    ],
)
def test_key_folds_case_punctuation_whitespace_apostrophes_and_accents(question, key):
    assert question_key(question) == key


# Plain text

TEXT = """Aftercare

Read this after your visit.

Can I exercise?
Not for 24 hours.
Light walking is fine.



Avoid saunas too.\t

Can I lie down?\x20\x20\x20
Stay upright for four hours.
"""


def test_text_opening_section_becomes_an_about_entry_named_after_the_title():
    entries = parse_document(TEXT, "text")
    assert questions(entries) == ["About: Aftercare", "Can I exercise?", "Can I lie down?"]
    assert entries[0].answer == "Read this after your visit."


def test_text_collapses_blank_line_runs_and_strips_trailing_whitespace():
    answer = answers(parse_document(TEXT, "text"))["Can I exercise?"]
    assert answer == "Not for 24 hours.\nLight walking is fine.\n\nAvoid saunas too."


def test_text_question_line_may_end_in_spaces():
    assert answers(parse_document(TEXT, "text"))["Can I lie down?"] == (
        "Stay upright for four hours."
    )


def test_text_title_directly_followed_by_a_question_gives_no_about_entry():
    entries = parse_document("Aftercare\n\nCan I exercise?\nNot today.\n", "text")
    assert questions(entries) == ["Can I exercise?"]
    assert entries[0].position == 1


def test_text_starting_with_a_question_has_no_title():
    entries = parse_document("\n\nCan I exercise?\nNot today.\nCan I fly?\nYes.\n", "text")
    assert questions(entries) == ["Can I exercise?", "Can I fly?"]


def test_text_question_without_answer_names_its_line():
    text = "Aftercare\n\nCan I exercise?\n\n\nCan I fly?\nYes.\n"
    raises_document_error(text, "text", "line 3", "Can I exercise?", "no answer")


def test_text_last_question_without_answer_names_its_line():
    raises_document_error("Aftercare\nCan I fly?\nYes.\nCan I swim?\n  \n", "text", "line 4")


def test_text_without_question_lines_is_an_error():
    raises_document_error("Aftercare\n\nJust some notes.\n", "text", "No questions found")


def test_text_question_of_only_punctuation_names_its_line():
    raises_document_error("Aftercare\n\n???\nWho knows.\n", "text", "line 3", "no letters")


# Markdown

MARKDOWN = """# Clinic FAQ

Answers from our nurses.

## Before treatment

Plan ahead.

### Can I take aspirin?

Ask your prescriber **before** stopping it.

- Bruising is more likely.
- Tell your injector.

### Can I drink alcohol?

Avoid it for 24 hours.

## After treatment

### Can I exercise?

Not for 24 hours. See [aftercare](https://example.org/aftercare).
"""


def test_markdown_title_content_becomes_an_about_entry_and_headings_become_questions():
    entries = parse_document(MARKDOWN, "markdown")
    assert questions(entries) == [
        "About: Clinic FAQ",
        "Before treatment",
        "Can I take aspirin?",
        "Can I drink alcohol?",
        "After treatment",
        "Can I exercise?",
    ]
    assert entries[0].answer == "Answers from our nurses."
    assert [entry.position for entry in entries] == [1, 2, 3, 4, 5, 6]


def test_markdown_answer_runs_until_a_heading_of_the_same_or_higher_level():
    by_question = answers(parse_document(MARKDOWN, "markdown"))
    assert by_question["Before treatment"] == (
        "Plan ahead.\n\n### Can I take aspirin?\n\nAsk your prescriber **before** stopping it."
        "\n\n- Bruising is more likely.\n- Tell your injector.\n\n### Can I drink alcohol?"
        "\n\nAvoid it for 24 hours."
    )
    assert by_question["Can I take aspirin?"] == (
        "Ask your prescriber **before** stopping it.\n\n"
        "- Bruising is more likely.\n- Tell your injector."
    )
    assert by_question["Can I drink alcohol?"] == "Avoid it for 24 hours."
    assert by_question["Can I exercise?"] == (
        "Not for 24 hours. See [aftercare](https://example.org/aftercare)."
    )


def test_markdown_title_without_content_is_skipped():
    entries = parse_document("# Clinic FAQ\n\n## Can I fly?\nYes.\n", "markdown")
    assert questions(entries) == ["Can I fly?"]


def test_markdown_lone_level_one_heading_is_a_question():
    entries = parse_document("# Can I fly?\n\nYes.\n", "markdown")
    assert questions(entries) == ["Can I fly?"]


def test_markdown_level_one_headings_in_a_row_are_all_questions():
    entries = parse_document("# Can I fly?\nYes.\n# Can I swim?\nAfter a day.\n", "markdown")
    assert answers(entries) == {"Can I fly?": "Yes.", "Can I swim?": "After a day."}


def test_markdown_closing_hashes_and_extra_spaces_leave_the_heading():
    entries = parse_document("##   Can I   fly?  ##\nYes.\n", "markdown")
    assert questions(entries) == ["Can I fly?"]


def test_markdown_hash_lines_inside_a_code_fence_are_not_headings():
    text = "## How do I book?\n\n```\n# not a heading\n```\n\n## Can I fly?\nYes.\n"
    by_question = answers(parse_document(text, "markdown"))
    assert by_question["How do I book?"] == "```\n# not a heading\n```"
    assert list(by_question) == ["How do I book?", "Can I fly?"]


def test_markdown_heading_without_content_names_its_line():
    text = "# FAQ\n\n## Can I fly?\nYes.\n\n## Can I swim?\n\n## Can I run?\nSoon.\n"
    raises_document_error(text, "markdown", "line 6", "Can I swim?", "no content")


def test_markdown_last_heading_without_content_names_its_line():
    raises_document_error("## Can I fly?\nYes.\n### Can I swim?\n\n", "markdown", "line 3")


def test_markdown_heading_without_text_names_its_line():
    raises_document_error("## Can I fly?\nYes.\n##\nMore.\n", "markdown", "line 3", "no text")


def test_markdown_text_before_the_first_heading_names_its_line():
    text = "\nIntroduction\n# FAQ\n## Can I fly?\nYes.\n"
    raises_document_error(text, "markdown", "line 2", "before the first heading")


def test_markdown_without_headings_is_an_error():
    raises_document_error("Just a paragraph.\n", "markdown", "No headings found")


# CSV


def test_csv_without_topic_gives_one_entry_per_row():
    entries = parse_document("question,answer\nCan I fly?,Yes.\nCan I swim?,After a day.\n", "csv")
    assert entries == [
        ImportedEntry("can-i-fly", "Can I fly?", "Yes.", None, 1),
        ImportedEntry("can-i-swim", "Can I swim?", "After a day.", None, 2),
    ]


def test_csv_with_topic_keeps_it_and_treats_a_blank_topic_as_none():
    text = "Topic, Question ,ANSWER\naftercare,Can I fly?,Yes.\n,Can I swim?,After a day.\n"
    entries = parse_document(text, "csv")
    assert [(entry.question, entry.topic) for entry in entries] == [
        ("Can I fly?", "aftercare"),
        ("Can I swim?", None),
    ]


def test_csv_with_a_byte_order_mark_reads_the_first_column_name():
    entries = parse_document("\ufeffquestion,answer\nCan I fly?,Yes.\n", "csv")
    assert questions(entries) == ["Can I fly?"]


def test_csv_with_crlf_line_endings_and_a_multi_paragraph_answer():
    text = 'question,answer\r\nCan I fly?,"Yes.\r\n\r\n\r\nWait a day if bruised.  "\r\n'
    entries = parse_document(text, "csv")
    assert entries[0].answer == "Yes.\n\nWait a day if bruised."


def test_csv_skips_blank_rows():
    entries = parse_document("question,answer\n\n,\nCan I fly?,Yes.\n, \n", "csv")
    assert questions(entries) == ["Can I fly?"]


def test_csv_row_numbers_count_blank_rows_and_the_header():
    text = "question,answer\n\n,\nCan I fly?,Yes.\nCan I swim?,\n"
    raises_document_error(text, "csv", "row 5", "Can I swim?", "answer")


def test_csv_empty_question_names_its_row():
    raises_document_error("question,answer\nCan I fly?,Yes.\n ,Maybe.\n", "csv", "row 3")


def test_csv_empty_answer_names_its_row():
    raises_document_error("question,answer\nCan I fly?,  \n", "csv", "row 2", "empty")


def test_csv_extra_column_is_rejected_by_name():
    raises_document_error("question,answer,notes\nCan I fly?,Yes.,x\n", "csv", "row 1", "'notes'")


def test_csv_missing_answer_column_is_rejected():
    raises_document_error("question,topic\nCan I fly?,travel\n", "csv", "row 1", "'answer'")


def test_csv_repeated_column_is_rejected():
    text = "question,answer,Question\nCan I fly?,Yes.,Again?\n"
    raises_document_error(text, "csv", "row 1", "'question'", "twice")


def test_csv_topic_that_is_not_a_slug_names_its_row():
    text = "question,answer,topic\nCan I fly?,Yes.,travel\nCan I swim?,Later.,After Care\n"
    raises_document_error(text, "csv", "row 3", "'After Care'", "slug")


def test_csv_row_with_more_cells_than_columns_names_its_row():
    raises_document_error("question,answer\nCan I fly?,Yes.,really\n", "csv", "row 2", "3 cells")


def test_csv_unclosed_quote_names_its_row():
    text = 'question,answer\nCan I fly?,Yes.\nCan I swim?,"After a day.\nCan I run?,Soon.\n'
    raises_document_error(text, "csv", "row 3", "malformed")


def test_csv_with_only_a_header_is_an_error():
    raises_document_error("question,answer\n", "csv", "row 2", "no entries")


# Across formats


@pytest.mark.parametrize(
    ("text", "fmt", "positions"),
    [
        (
            "FAQ\n\nCan I fly?\nYes.\n\ncan I FLY ?\nNo.\n",
            "text",
            "Entries 1 (line 3) and 2 (line 6)",
        ),
        (
            "# FAQ\nIntro.\n## Can I fly?\nYes.\n## Can I fly\u2009?\nNo.\n",
            "markdown",
            "Entries 2 (line 3) and 3 (line 5)",
        ),
        (
            "question,answer\nCan I fly?,Yes.\nCAN I FLY?,No.\n",
            "csv",
            "Entries 1 (row 2) and 2 (row 3)",
        ),
    ],
)
def test_duplicate_questions_name_both_positions(text, fmt, positions):
    raises_document_error(text, fmt, positions, "same question", "'can-i-fly'")


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv"])
@pytest.mark.parametrize("text", ["", " \n\t\r\n", "\ufeff\n"])
def test_empty_document_is_an_error(text, fmt):
    raises_document_error(text, fmt, "empty")


def test_unknown_format_is_an_error():
    raises_document_error("question,answer\nCan I fly?,Yes.\n", "xlsx", "xlsx")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [(TEXT, "text"), (MARKDOWN, "markdown"), ("question,answer\nCan I fly?,Yes.\n", "csv")],
)
def test_parsing_is_deterministic(text, fmt):
    assert parse_document(text, fmt) == parse_document(text, fmt)


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [
        ("faq.txt", "text"),
        ("FAQ.TXT", "text"),
        ("notes/faq.md", "markdown"),
        ("faq.Markdown", "markdown"),
        ("export.2024.csv", "csv"),
    ],
)
def test_detect_format_by_extension(filename, fmt):
    assert detect_format(filename) == fmt


@pytest.mark.parametrize("filename", ["faq.docx", "faq", "faq.csv.bak", ".csv"])
def test_detect_format_rejects_other_files(filename):
    with pytest.raises(DocumentError, match="expected a .txt, .md, .markdown or .csv file"):
        detect_format(filename)
