"""The reader on the seed as published, and on doctored copies of it."""

import logging
import re
import shutil

import pytest

from cjkpress.book import load
from cjkpress.errors import InputError
from cjkpress.tree import Strong
from cjkpress.readers.whitepaper import RunInRule, parse
from conftest import SEED

SOURCE = SEED / "source.txt"

CHAPTERS = [
    "前言",
    "一、坚定不移走依法治网之路",
    "二、夯实网络空间法制基础",
    "三、保障网络空间规范有序",
    "四、捍卫网络空间公平正义",
    "五、提升全社会网络法治意识和素养",
    "六、加强网络法治国际交流合作",
    "结束语",
]

# Every run-in head of the seed, in order, as the print edition sets them bold.
RUN_IN_HEADS = [
    "——坚持以人民为中心。", "——坚持促进互联网发展。", "——坚持立足国情。", "——坚持创新引领。",
    "——坚持开放合作。", "——为网络大国向网络强国迈进提供了有力保障。",
    "——推动全面依法治国在网络空间深入实施。", "——为全球互联网治理贡献中国经验、中国智慧和中国方案。",
    "保障公民通信自由和通信秘密。", "保护个人信息权益。", "守护公民财产安全。", "保障特殊群体数字权利。",
    "推动构建数据基础制度。", "明晰数字市场运行制度。", "规范数字经济新业态新模式。",
    "确立网络安全规则。", "保障关键信息基础设施安全。", "构建数据安全管理法律制度。",
    "规范网络信息传播秩序。", "打造网络反恐法律利器。",
    "保障公平竞争的网络市场环境。", "规范网络交易活动。",
    "强化公民网络民事权益司法保护。", "加大网络犯罪惩治力度。", "探索未成年人网络司法保护新路径。",
    "充分运用互联网开展法治宣传教育。", "积极运用网络媒体开展网上普法活动。", "线下普法活动向线上延伸。",
    "网络法律法规普及融入网络立法全过程。", "在网络执法、司法活动中适时开展网络法律法规普及。",
    "加强青少年网络法治宣传教育。", "强化互联网企业的依法经营意识。",
    "全面提升网络法治研究能力。", "加强网络法治领域人才培养。",
    "支持发挥联合国在网络国际治理中的主渠道作用。", "积极参与形成区域性网络治理规则。",
    "开展网络法治双多边对话交流。", "加强网络安全国际执法司法合作。", "携手保护未成年人网络权益。",
    "通过世界互联网大会搭建网络法治交流平台。", "搭建多形式、多渠道、多层次网络法治国际交流平台。",
]


def body_lines():
    """The seed's body paragraphs straight from the file, by a rule independent of the reader."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    body = lines[lines.index("\u3000\u3000前言", 6):]
    heading = re.compile(r"^(前言|结束语|[一二三四五六七八九十]+、.{2,30}|（[一二三四五六七八九十]+）.{2,30})$")
    texts = [line.strip(" \u3000") for line in body]
    return [t for t in texts if t and not heading.match(t) and not t.startswith("[image:")]


def test_structure_of_the_seed(book):
    assert [c.heading for c in book.chapters] == CHAPTERS
    assert [c.id for c in book.chapters] == ["preface"] + [f"ch-{i}" for i in range(1, 7)] + ["conclusion"]
    sections = [s for c in book.chapters for s in c.sections]
    assert len(sections) == 19
    assert [len(c.sections) for c in book.chapters] == [0, 0, 4, 5, 3, 4, 3, 0]
    assert sections[0].heading == "（一）建立网络权益保障法律制度"
    assert sections[0].id == "ch-2-1"
    assert sections[-1].heading == "（三）努力搭建对话平台"
    assert sections[-1].id == "ch-6-3"
    assert all(re.fullmatch(r"[a-z0-9-]+", s.id) for s in sections)


def test_paragraphs_are_the_published_text(book):
    paragraphs = book.paragraphs()
    assert len(paragraphs) == 74
    assert [p.text for p in paragraphs] == body_lines()


def test_run_in_heads(book):
    paragraphs = book.paragraphs()
    assert [p.lead for p in paragraphs if p.lead] == RUN_IN_HEADS
    assert all(p.text.startswith(p.lead) for p in paragraphs)
    # A run-in head is strong text at a paragraph's start, and nowhere else.
    assert not any(isinstance(node, Strong) for p in paragraphs for node in p.content[1:])


def test_title_block_and_lead_in(book):
    meta = book.metadata
    assert meta.title == "新时代的中国网络法治建设"
    assert meta.date == "2023-03" and meta.date_label == "2023年3月"
    assert meta.creator == "中华人民共和国国务院新闻办公室"
    assert meta.source_note == "国务院新闻办公室3月16日发布《新时代的中国网络法治建设》白皮书。"
    assert meta.language == "zh-Hans"
    assert meta.identifier.startswith("urn:uuid:")
    # The lead-in and the word processor's bookmark are not body text.
    texts = [p.text for p in book.paragraphs()]
    assert not any("全文如下" in t or "[bookmark" in t for t in texts)


def test_missing_image_is_left_out_with_a_warning(book, caplog, tmp_path):
    assert not any(b.__class__.__name__ == "Figure" for c in book.chapters for s in c.sections for b in s.blocks)
    with caplog.at_level(logging.WARNING):
        parse(SOURCE.read_bytes(), SOURCE, tmp_path / "images")
    assert "W020230321402479502616.jpg" in caplog.text and "source.txt:97" in caplog.text


def test_present_image_becomes_a_figure(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    (images / "W020230321402479502616.jpg").write_bytes(b"\xff\xd8\xff")
    document = parse(SOURCE.read_bytes(), SOURCE, images)
    figures = [b for c in document.chapters for s in c.sections for b in s.blocks if not hasattr(b, "lead")]
    assert [f.path.name for f in figures] == ["W020230321402479502616.jpg"]
    assert figures[0].line == 97


def test_crlf_and_bom_are_tolerated(book):
    data = b"\xef\xbb\xbf" + SOURCE.read_bytes().replace(b"\n", b"\r\n")
    document = parse(data, SOURCE, SEED / "images")
    assert [p.text for c in document.chapters for p in c.paragraphs()] == [p.text for p in book.paragraphs()]


def doctored(tmp_path, old: str, new: str, count: int = 1):
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "paper.txt"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_toc_that_disagrees_with_a_heading_names_both_lines(tmp_path):
    # Change the heading in the body (the second occurrence), not the 目录 entry.
    text = SOURCE.read_text(encoding="utf-8")
    first = text.index("（三）划定网络安全法律红线")
    second = text.index("（三）划定网络安全法律红线", first + 1)
    path = tmp_path / "paper.txt"
    path.write_text(text[:second] + "（三）划定网络安全底线" + text[second + len("（三）划定网络安全法律红线"):], encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path)
    assert err.value.line == 11
    assert "line 62" in err.value.message and "划定网络安全底线" in err.value.message
    assert str(err.value).startswith(f"{path}:11: ")


def test_heading_missing_from_the_toc(tmp_path):
    path = doctored(tmp_path, "\u3000\u3000（五）营造清朗网络空间\n", "")
    with pytest.raises(InputError, match="has no heading|missing from the 目录|does not match"):
        load(path)


def test_no_title_block(tmp_path):
    path = doctored(tmp_path, "（2023年3月）\n", "")
    with pytest.raises(InputError, match="no title block") as err:
        load(path)
    assert err.value.path == path


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_bytes(SOURCE.read_text(encoding="utf-8").encode("gb18030"))
    with pytest.raises(InputError, match="not UTF-8") as err:
        load(path)
    assert err.value.line == 1


def test_run_in_rule_can_be_overridden():
    rule = RunInRule(max_length=24, include=("发展好治理好互联网",), exclude=("保护个人信息权益。",))
    assert rule.lead("保护个人信息权益。通过民法……", first_in_division=False) == ""
    assert rule.lead("发展好治理好互联网，让互联网更好造福人类。", first_in_division=True) == "发展好治理好互联网"
    assert RunInRule(max_length=8).lead("守护公民财产安全。持续加大", first_in_division=False) == ""


def test_book_yaml_overrides(tmp_path):
    folder = tmp_path / "book"
    shutil.copytree(SEED, folder)
    (folder / "book.yaml").write_text(
        "title: 另一个书名\nrun_in_heads:\n  exclude: [保护个人信息权益。]\n", encoding="utf-8"
    )
    book, _ = load(folder)
    assert book.metadata.title == "另一个书名"
    leads = [p.lead for p in book.paragraphs() if p.lead]
    assert "保护个人信息权益。" not in leads and len(leads) == len(RUN_IN_HEADS) - 1
    assert book.slug == "book"
