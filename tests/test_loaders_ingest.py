"""``regimekg ingest``: new documents and tables become sources, idempotently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from regimekg.errors import UserError
from regimekg.loaders import ingest as ingest_mod
from regimekg.loaders import load_source
from regimekg.loaders.header import read_header
from regimekg.loaders.ingest import ingest
from regimekg.loaders.mentions import Gazetteer
from regimekg.namespaces import RKG, iri
from regimekg.paths import Project
from regimekg.sources import load_manifest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "docs"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A copy of the project's sources in a temporary directory, with the test gazetteer.

    The page snapshots under ``external/`` back curated records, which ingest never reads,
    so they are not copied (hundreds of files per test)."""
    root = tmp_path / "proj"
    shutil.copytree(
        ROOT / "data" / "sources",
        root / "data" / "sources",
        ignore=shutil.ignore_patterns("external"),
    )
    (root / "data" / "curated").mkdir(parents=True)
    (root / "ontology").mkdir()
    gaz = Gazetteer.from_graph(Graph().parse(FIXTURES / "entities.ttl"))
    monkeypatch.setattr(ingest_mod, "project_gazetteer", lambda project: gaz)
    return Project(root)


def _load(project: Project, sid: str):
    src = next(s for s in load_manifest(project) if s.id == sid)
    gaz = Gazetteer.from_graph(Graph().parse(FIXTURES / "entities.ttl"))
    return src, load_source(src, src.read_text(), gaz)


def test_ingest_chinese_document(project: Project) -> None:
    before = project.sources_yaml.read_text(encoding="utf-8")
    lines = ingest(project, [FIXTURES / "zh-briefing.md"])
    assert lines[0].startswith("zh-briefing (added): ")
    assert "（新增）" in lines[0]
    after = project.sources_yaml.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: comments and existing entries untouched
    assert (project.sources_dir / "zh-briefing.md").read_bytes() == (
        FIXTURES / "zh-briefing.md"
    ).read_bytes()
    src, res = _load(project, "zh-briefing")
    assert (src.lang, src.kind, src.loader) == ("zh", "Article", "article")
    assert src.title == {"zh": "全球人工智能治理的新动向"}
    g = res.graph
    doc = iri("doc", "zh-briefing")
    secs = {str(g.value(s, RKG.sectionNumber)): s for s in g.subjects(RDF.type, RKG.Section)}
    assert set(secs) == {"一、", "二、", "（一）"}
    assert int(g.value(secs["（一）"], RKG.level)) == 2
    assert g.value(secs["（一）"], RKG.inDocument) == doc
    # "…评估工具，" / "呼吁各国…": one sentence over two blocks → one paragraph.
    paras = [p for p in g.subjects(RKG.inDocument, doc) if (p, RDF.type, RKG.Paragraph) in g]
    assert len(paras) == 3
    joined = [str(g.value(p, RKG.joinedText)) for p in paras if (p, RKG.joinedText, None) in g]
    assert joined == [
        "七国集团与经合组织继续推动人工智能原则的落实。联合国教科文组织发布了新的伦理评估工具，"
        "呼吁各国加强能力建设。"
    ]
    mentioned = {str(o).rsplit("/", 1)[-1] for o in g.objects(None, RKG.mentions)}
    assert mentioned == {"g7", "oecd", "unesco", "china", "european-union"}
    names = {(c.name, c.pattern) for c in res.candidates}
    assert names == {
        ("东盟数字部长会议", "zh-en"),
        ("ASEAN Digital Ministers' Meeting", "zh-en-acronym"),
        ("ADGMIN", "zh-en-acronym"),
        ("东盟人工智能治理与伦理指南", "book-title"),
        ("人工智能风险评估中心", "zh-en"),
        ("AI Risk Assessment Centre", "zh-en-acronym"),
        ("ARAC", "zh-en-acronym"),
    }
    text = src.read_text()
    for c in res.candidates:
        assert text[c.start : c.end] == c.name
    adgmin = next(
        c for c in g.subjects(RDF.type, RKG.Candidate) if str(g.value(c, RDFS.label)) == "ADGMIN"
    )
    paired = {str(g.value(o, RDFS.label)) for o in g.objects(adgmin, RKG.pairedWith)}
    assert paired == {"东盟数字部长会议", "ASEAN Digital Ministers' Meeting"}


def test_ingest_english_document(project: Project) -> None:
    lines = ingest(project, [FIXTURES / "en-briefing.md"], lang="auto")
    assert "3 candidate names" in lines[0]
    src, res = _load(project, "en-briefing")
    assert src.lang == "en" and src.title == {"en": "Notes on the Hiroshima AI Process"}
    g = res.graph
    mentions = {
        (str(g.value(m, RKG.surfaceForm)), str(g.value(m, RKG.mentionOf)).rsplit("/", 1)[-1])
        for m in g.subjects(RDF.type, RKG.Mention)
    }
    assert mentions == {
        ("Hiroshima AI Process", "hiroshima-ai-process"),
        ("G7", "g7"),
        ("OECD", "oecd"),
        ("European Commission", "european-commission"),  # "TheEuropean": dropped space
        ("UN", "united-nations"),
        ("UNESCO", "unesco"),
    }
    names = {(c.name, c.pattern) for c in res.candidates}
    assert names == {
        ("African Union", "en-acronym"),
        ("AU", "en-acronym"),
        ("Continental Artificial Intelligence Strategy", "quoted-title"),
    }
    strategy = next(
        c
        for c in g.subjects(RDF.type, RKG.Candidate)
        if str(g.value(c, RDFS.label)) == "Continental Artificial Intelligence Strategy"
    )
    assert g.value(strategy, RKG.suggestedType) == RKG.Strategy
    # A line break inside a sentence does not split the paragraph.
    paras = list(g.subjects(RDF.type, RKG.Paragraph))
    assert len(paras) == 2


def test_reingest_is_idempotent(project: Project) -> None:
    ingest(project, [FIXTURES / "en-briefing.md", FIXTURES / "zh-briefing.md"])
    yaml_before = project.sources_yaml.read_bytes()
    files_before = sorted(p.name for p in project.sources_dir.iterdir())
    lines = ingest(project, [FIXTURES / "en-briefing.md", FIXTURES / "zh-briefing.md"])
    assert project.sources_yaml.read_bytes() == yaml_before
    assert sorted(p.name for p in project.sources_dir.iterdir()) == files_before
    assert [ln.split(":")[0] for ln in lines if not ln.startswith(" ")] == [
        "en-briefing (unchanged)",
        "zh-briefing (unchanged)",
    ]
    # A changed file with the same name is refreshed in place (only its hash changes).
    changed = project.root / "en-briefing.md"
    changed.write_text((FIXTURES / "en-briefing.md").read_text() + "\nThe G20 agreed.\n")
    lines = ingest(project, [changed])
    assert lines[0].startswith("en-briefing (refreshed)")
    ids = [s.id for s in load_manifest(project)]
    assert ids.count("en-briefing") == 1
    src = next(s for s in load_manifest(project) if s.id == "en-briefing")
    assert src.read_text().endswith("The G20 agreed.\n")


def test_ingest_csv_table_with_mapping(project: Project) -> None:
    with pytest.raises(UserError, match="--mapping"):
        ingest(project, [FIXTURES / "initiatives.csv"])
    ingest(project, [FIXTURES / "initiatives.csv"], mapping=FIXTURES / "initiatives-mapping.yaml")
    src, res = _load(project, "initiatives")
    assert (src.loader, src.kind) == ("table", "Dataset")
    assert src.mapping == {
        "name": "name",
        "date": "date",
        "issuer": "issuer",
        "classification": {"column": "form", "scheme": "organisational-form"},
    }
    g = res.graph
    text = src.read_text()
    rows = sorted(g.subjects(RDF.type, RKG.TableRow), key=lambda r: int(g.value(r, RKG.rowIndex)))
    assert [
        text[int(g.value(r, RKG.startOffset)) : int(g.value(r, RKG.endOffset))] for r in rows
    ] == [
        "Hiroshima AI Process,multilateral,2023-05,Group of Seven",
        '"Global Partnership on Artificial Intelligence",multilateral,2020.6,OECD',
        'Frontier Model Forum,multi-stakeholder,2023-07,"OpenAI/Google"',
    ]
    hiroshima = iri("institution", "hiroshima-ai-process")
    assert (hiroshima, RKG.hasOrganisationalForm, iri("organisational-form", "multilateral")) in g
    assert (hiroshima, RKG.issuedBy, iri("institution", "g7")) in g
    gpai = iri("institution", "gpai")
    assert (gpai, RKG.issuedBy, iri("institution", "oecd")) in g
    claim = g.value(None, RKG.claimSubject, gpai)
    assert str(g.value(claim, RKG.claimValue)) == "2020-06"
    names = {(c.name, c.pattern) for c in res.candidates}
    assert names == {("Frontier Model Forum", "table-ingest"), ("Google", "table-issuer")}
    fmf = next(r for r in g.subjects(RKG.recordName, Literal("Frontier Model Forum", lang="en")))
    assert (g.value(fmf, RKG.recordSubject), RDF.type, RKG.Candidate) in g


def test_ingest_errors_name_the_file(project: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        ingest(project, [tmp_path / "missing.md"])
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF")
    with pytest.raises(UserError, match=r"unsupported file type \.pdf"):
        ingest(project, [bad])
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("人工智能治理".encode("gbk"))
    with pytest.raises(UserError, match="not valid UTF-8"):
        ingest(project, [gbk])
    with pytest.raises(UserError, match="--lang"):
        ingest(project, [FIXTURES / "en-briefing.md"], lang="fr")


def test_a_failed_batch_changes_nothing(project: Project, tmp_path: Path) -> None:
    """``ingest A B C`` with C invalid used to leave A and B registered: now the batch is
    all or nothing (nothing is copied or written before the last file has loaded)."""
    from tests.test_build import tree_digest

    before = tree_digest(project.root / "data")
    bad = tmp_path / "c.txt"
    bad.write_bytes("人工智能治理".encode("gbk"))
    with pytest.raises(UserError, match=r"c\.txt"):
        ingest(project, [FIXTURES / "en-briefing.md", FIXTURES / "zh-briefing.md", bad])
    assert tree_digest(project.root / "data") == before


def test_a_failing_write_undoes_the_batch(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails while the batch is committed (a full disk at sources.yaml) takes
    back the documents already copied: data/ is as it was, sources.yaml never half written."""
    from regimekg import files
    from tests.test_build import tree_digest

    ingest(project, [FIXTURES / "en-briefing.md"])
    changed = project.root / "en-briefing.md"
    changed.write_text((FIXTURES / "en-briefing.md").read_text() + "\nThe G20 agreed.\n")
    before = tree_digest(project.root / "data")
    real = files.write_text

    def full_disk(target: object, text: str, encoding: str = "utf-8") -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_text", full_disk)
    with pytest.raises(OSError):
        ingest(project, [changed, FIXTURES / "zh-briefing.md"])  # a refresh and an addition
    monkeypatch.setattr(files, "write_text", real)
    assert tree_digest(project.root / "data") == before


def test_an_unregistered_file_is_not_replaced(project: Project) -> None:
    mine = project.sources_dir / "en-briefing.md"
    mine.write_text("my own notes\n", "utf-8")
    with pytest.raises(UserError, match=r"already exists and no entry of sources\.yaml"):
        ingest(project, [FIXTURES / "en-briefing.md"])
    assert mine.read_text("utf-8") == "my own notes\n"


def test_the_same_document_twice_in_one_batch_is_added_once(project: Project) -> None:
    lines = ingest(project, [FIXTURES / "en-briefing.md", FIXTURES / "en-briefing.md"])
    assert [ln.split(":")[0] for ln in lines if not ln.startswith(" ")] == [
        "en-briefing (added)",
        "en-briefing (unchanged)",
    ]
    assert [s.id for s in load_manifest(project)].count("en-briefing") == 1


def test_two_versions_in_one_batch_the_last_one_wins(project: Project, tmp_path: Path) -> None:
    """As if run one after the other: the entry and the file hold the second version."""
    from regimekg.sources import sha256_of

    ingest(project, [FIXTURES / "en-briefing.md"])
    versions = []
    for n in (1, 2):
        v = tmp_path / f"v{n}" / "en-briefing.md"
        v.parent.mkdir()
        v.write_text((FIXTURES / "en-briefing.md").read_text() + f"\nVersion {n}.\n")
        versions.append(v)
    ingest(project, versions)
    src = next(s for s in load_manifest(project) if s.id == "en-briefing")
    assert src.sha256 == sha256_of(versions[1]) == sha256_of(src.path)


def test_project_gazetteer_reads_curated_names(tmp_path: Path) -> None:
    """Without curated records the gazetteer is empty, not an error."""
    root = tmp_path / "p"
    (root / "data" / "curated").mkdir(parents=True)
    (root / "ontology").mkdir()
    gaz = ingest_mod.project_gazetteer(Project(root))
    assert gaz.find("七国集团与经合组织") == []


def _spans(g: Graph) -> list[tuple[int, int]]:
    return [
        (int(g.value(n, RKG.startOffset)), int(g.value(n, RKG.endOffset)))
        for n in g.subjects(RKG.startOffset, None)
    ]


@pytest.mark.parametrize(
    ("name", "sid", "title", "fields"),
    [
        (
            "en-header.md",
            "en-header",
            {"en": "Briefing on the G7 and the OECD"},
            {
                "url": "https://example.org/briefings/oecd-g7-notes",
                "date": "2025-02-11",
                "retrieved": "2026-12-07",
            },
        ),
        (
            "zh-frontmatter.md",
            "zh-frontmatter",
            {"zh": "七国集团与经合组织的合作"},
            {"url": "https://example.org/zh/g7-oecd", "date": "2025-02"},
        ),
    ],
)
def test_a_metadata_header_is_metadata_never_content(
    project: Project, name: str, sid: str, title: dict, fields: dict
) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    body = read_header(text).end
    assert 0 < body < len(text)
    ingest(project, [FIXTURES / name])
    src, res = _load(project, sid)
    assert src.title == title
    assert {k: src.extra.get(k, src.date if k == "date" else None) for k in fields} == fields
    g = res.graph
    doc = iri("doc", sid)
    assert g.value(doc, DCTERMS.source) == URIRef(fields["url"])
    assert str(g.value(doc, DCTERMS.date)) == fields["date"]
    # Header lines never become segments, headings, mentions or candidates.
    spans = _spans(g)
    assert spans and all(s >= body for s, _ in spans)
    assert all(c.start >= body for c in res.candidates)
    for s, e in spans:
        assert text[s:e] == src.read_text()[s:e]
    headings = [str(g.value(h, RKG.text)) for h in g.objects(doc, RKG.hasHeading)]
    assert not any(":" in h for h in headings)


def test_an_ingested_document_links_variants_and_proposes_weak_ones(project: Project) -> None:
    ingest(project, [FIXTURES / "en-header.md", FIXTURES / "zh-frontmatter.md"])
    _, res = _load(project, "en-header")
    g = res.graph
    conf = {
        str(g.value(m, RKG.surfaceForm)): float(g.value(m, RKG.matchConfidence))
        for m in g.subjects(RDF.type, RKG.Mention)
    }
    assert conf["G7"] == 0.9 and conf["OECD"] == 0.9  # acronyms are aliases
    assert 0.7 <= conf["White Paper for Artificial Intelligence"] < 1.0
    weak = [c for c in res.candidates if c.pattern == "near-miss"]
    assert [(c.name, c.alias_of) for c in weak] == [
        ("White Paper for the Artificial-Intelligence 2020", "white-paper-on-ai")
    ]
    _, zh = _load(project, "zh-frontmatter")
    mentioned = sorted(str(o).rsplit("/", 1)[-1] for o in zh.graph.objects(None, RKG.mentionOf))
    assert mentioned == ["china", "european-commission", "united-nations", "white-paper-on-ai"]


def test_read_header_only_takes_lowercase_keys_at_the_start() -> None:
    assert read_header("# Introduction: why AI\n\ntext").end == 0
    assert read_header("text\n# source: https://x.org\n").end == 0
    h = read_header("# source: https://x.org/a\n# lang: zh-CN\n# date: 2025-13-01\n正文")
    assert h.get("url") == "https://x.org/a" and h.lang == "zh" and h.date is None
    assert h.end == len("# source: https://x.org/a\n# lang: zh-CN\n# date: 2025-13-01\n")
    assert read_header("---\nnot: [closed\n---\nbody").end == 0  # broken YAML is content
