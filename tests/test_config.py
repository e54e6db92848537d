"""book.yaml mistakes are reported with the file, the line and what to do."""

import pytest

from cjkpress.config import load
from cjkpress.errors import InputError


def config_file(tmp_path, text):
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_suggests_the_near_one(tmp_path):
    path = config_file(tmp_path, "title: 书\ndesign:\n  page_sise: A4\n")
    with pytest.raises(InputError, match="unknown key “design.page_sise”; did you mean “page_size”") as err:
        load(path)
    assert (err.value.path, err.value.line) == (path, 3)


def test_not_yaml_names_the_line(tmp_path):
    path = config_file(tmp_path, "title: 书\ndate: [2023\n")
    with pytest.raises(InputError, match="not valid YAML") as err:
        load(path)
    assert err.value.line == 3


def test_wrong_type(tmp_path):
    path = config_file(tmp_path, "title: 书\nrun_in_heads:\n  max_length: many\n")
    with pytest.raises(InputError, match="should be int") as err:
        load(path)
    assert err.value.line == 3


@pytest.mark.parametrize("text, message", [
    ("design:\n  chapter_numbers: yes please\n", "“design.chapter_numbers” should be bool"),
    ("design:\n  toc_depth: true\n", "“design.toc_depth” should be int"),
    ("design:\n  running_heads: section\n", "“design.running_heads” should be one of book, chapter"),
    ("design:\n  note_numbering: book\n", "“design.note_numbering” should be one of chapter, page"),
    ("design:\n  signature: 12\n", "“design.signature” should be one of 4, 8, 16, 32"),
])
def test_design_switches(tmp_path, text, message):
    path = config_file(tmp_path, text)
    with pytest.raises(InputError, match=message) as err:
        load(path)
    assert err.value.line == 2
    assert load(config_file(tmp_path, "design:\n  chapter_numbers: false\n")).design["chapter_numbers"] is False


def test_unknown_page_size(tmp_path):
    path = config_file(tmp_path, "design:\n  page_size: 64开\n")
    with pytest.raises(InputError, match="unknown page size “64开”") as err:
        load(path)
    assert err.value.line == 2


def test_defaults_and_sizes(tmp_path):
    assert load(None).page_size() == (185, 260)
    assert load(config_file(tmp_path, "design:\n  page_size: 170mm 240mm\n")).page_size() == (170, 240)
    assert load(config_file(tmp_path, "date: 2023-03-16\n")).values["date"] == "2023-03-16"


def test_bad_date(tmp_path):
    path = config_file(tmp_path, "title: 书\ndate: 2023年3月\n")
    with pytest.raises(InputError, match="should be YYYY-MM or YYYY-MM-DD") as err:
        load(path)
    assert err.value.line == 2


def test_font_family_that_is_not_installed(tmp_path):
    from cjkpress.book import load as load_book
    from conftest import SEED

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "source.txt").write_bytes((SEED / "source.txt").read_bytes())
    (folder / "book.yaml").write_text("design:\n  body_font: No Such Song Ti\n", encoding="utf-8")
    with pytest.raises(InputError, match="font family “No Such Song Ti” is not installed") as err:
        load_book(folder)
    assert (err.value.path, err.value.line) == (folder / "book.yaml", 2)


def test_folded_text_is_unfolded_as_chinese_is(tmp_path):
    """YAML turns each line break of a folded value into a space: between two Chinese characters a line
    break is no space (CSS Text's segment break rule), between Latin words it is; a literal block keeps its lines."""
    path = config_file(tmp_path, "description: >-\n  白皮书介绍了理念、\n  实践与成就，\n  and the Rule\n  of Law，\n"
                                 "  中文 与 English\ncip: |\n  第一行\n  第二行\ntitle: 一行 两字\n")
    values = load(path).values
    assert values["description"] == "白皮书介绍了理念、实践与成就，and the Rule of Law，中文与 English"
    assert values["cip"] == "第一行\n第二行\n"
    assert values["title"] == "一行 两字"  # a space typed on one line is the author's


def test_the_seeds_description_has_no_spaces_in_the_pdf_and_the_epub(pdf_path, epub_path):
    import zipfile

    from pypdf import PdfReader

    from conftest import SEED

    description = load(SEED / "book.yaml").values["description"]
    assert " " not in description and len(description) > 100
    assert PdfReader(pdf_path).metadata.subject == description
    with zipfile.ZipFile(epub_path) as epub:
        assert f"<dc:description>{description}</dc:description>" in epub.read("EPUB/content.opf").decode()


def test_images_left_out_silence_the_warning_for_those_only(tmp_path, caplog):
    import logging

    from cjkpress.book import load as load_book
    from conftest import SEED

    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "source.txt").write_bytes((SEED / "source.txt").read_bytes())
    (folder / "book.yaml").write_text("title: 书\nimages_left_out: [W020230321402479502616.jpg, map.jpg]\n",
                                      encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        load_book(folder)
    warned = [r.getMessage() for r in caplog.records]
    assert warned == [f"{folder / 'book.yaml'}:2: images_left_out lists map.jpg, which no figure of the book misses; "
                      "take it off the list"]
    (folder / "book.yaml").write_text("title: 书\n", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        load_book(folder)
    assert [r.getMessage() for r in caplog.records if "W020230321402479502616.jpg" in r.getMessage()] != []


def test_every_mistake_of_a_front_matter_is_reported_with_its_line_in_the_file(tmp_path):
    """Front matter starts below the file's first line (`---`): its lines are the file's."""
    from cjkpress.config import parse
    from cjkpress.errors import InputErrors

    chapter = tmp_path / "ch.md"
    with pytest.raises(InputErrors) as err:
        parse("title: 章\ndat: 2023\ndesign:\n  toc_depth: 9\n", chapter, first_line=2)
    assert [(e.path, e.line) for e in err.value.errors] == [(chapter, 3), (chapter, 5)]
    assert str(err.value).splitlines()[0].startswith(f"{chapter}:3: unknown key “dat”")
