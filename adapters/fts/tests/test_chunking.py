"""markdown_sections: sections under their heading trail, long ones cut on paragraphs."""

from __future__ import annotations

import re
import textwrap

import pytest

from agent_gateway_fts import Section, markdown_sections

pytestmark = pytest.mark.unit


def sections(markdown: str, chunk_chars: int = 1500) -> list[Section]:
    return markdown_sections(textwrap.dedent(markdown), chunk_chars=chunk_chars)


def test_each_section_carries_the_trail_of_headings_above_it() -> None:
    found = sections(
        """\
        Intro before any heading.

        # Install
        Get it.
        ## Linux ##
        Use apt.
        ### Debian
        Use apt-get.
        ## macOS
        Use brew.
        # Upgrade
        Read the changelog.
        """
    )
    assert found == [
        Section((), "Intro before any heading."),
        Section(("Install",), "Get it."),
        Section(("Install", "Linux"), "Use apt."),
        Section(("Install", "Linux", "Debian"), "Use apt-get."),
        Section(("Install", "macOS"), "Use brew."),
        Section(("Upgrade",), "Read the changelog."),
    ]


def test_setext_headings_front_matter_and_empty_sections() -> None:
    found = sections(
        """\
        ---
        title: Setup
        tags: [a]
        ---
        Guide
        =====

        ## Empty

        Part
        ----
        Text of the part.

        A paragraph
        over two lines
        ---
        """
    )
    assert found == [
        Section(("Guide", "Part"), "Text of the part.\n\nA paragraph\nover two lines\n---"),
    ]


def test_a_heading_inside_a_fenced_code_block_is_text() -> None:
    found = sections(
        """\
        # Shell

        ```bash
        # not a heading

        echo hi
        ```

        ~~~
        ## nor this
        ~~~
        """
    )
    assert found == [
        Section(
            ("Shell",),
            "```bash\n# not a heading\n\necho hi\n```\n\n~~~\n## nor this\n~~~",
        )
    ]


def test_hash_words_are_not_headings_and_crlf_is_read() -> None:
    found = markdown_sections("#hashtag is text\r\n# Real\r\nbody\r\n", chunk_chars=1500)
    assert found == [Section((), "#hashtag is text"), Section(("Real",), "body")]


def test_a_long_section_is_cut_on_blank_lines_and_keeps_every_word() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 40 for n in range(12)]
    found = sections("# Long\n\n" + "\n\n".join(paragraphs), chunk_chars=500)

    assert len(found) > 1
    assert all(section.headings == ("Long",) for section in found)
    assert all(len(section.text) <= 500 for section in found)
    for section in found:  # whole paragraphs only
        assert all(part.startswith("Paragraph") for part in section.text.split("\n\n"))
    assert words(" ".join(s.text for s in found)) == words(" ".join(paragraphs))


def test_a_paragraph_longer_than_a_chunk_is_cut_at_line_ends_then_at_spaces() -> None:
    lines = "\n".join(f"line {n} " + "x" * 50 for n in range(30))
    overlong = "y" * 450 + " " + "z" * 700
    found = sections(f"# Big\n\n{lines}\n\n{overlong}", chunk_chars=300)

    assert all(0 < len(section.text) <= 300 for section in found)
    texts = [section.text for section in found]
    assert words(" ".join(texts[:-5])) == words(lines)  # whole lines, several per passage
    assert texts[-5:] == ["y" * 300, "y" * 150, "z" * 300, "z" * 300, "z" * 100]


def test_no_text_no_sections() -> None:
    assert sections("") == []
    assert sections("# Only\n\n## Headings\n") == []
    assert sections("---\n---\n") == []


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)
