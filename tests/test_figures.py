"""Page-sized figures of one subgraph (``export --format png|svg|pdf --ego/--members-of/--top``):
the right nodes, labels in the chosen language, a legend, and the size of a page."""

from __future__ import annotations

import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from regimekg import figures
from regimekg.errors import UserError
from regimekg.export import export
from regimekg.figures import Subgraph
from regimekg.paths import Project

from .test_analysis import make_project

pytestmark = pytest.mark.skipif(
    shutil.which("neato") is None, reason="Graphviz (Debian package graphviz) is not installed"
)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("figures") / "proj")


def svg_texts(path: Path) -> set[str]:
    root = ET.parse(path).getroot()
    return {t.text for t in root.iter(f"{SVG}text") if t.text}


def test_ego_network_in_chinese(project: Project, tmp_path: Path) -> None:
    out = export(
        project, "svg", tmp_path / "ego.svg", as_of="2025", lang="zh", subgraph=Subgraph(ego="AF")
    )
    texts = svg_texts(out)
    # Alpha, its four members and the two institutions it is linked with in 2025
    assert {"阿尔法论坛", "阿登尼亚", "博兰", "科维亚", "达尔马", "贝塔组织", "伽马倡议"} <= texts
    assert "艾普西隆峰会" not in texts and "泽塔进程" not in texts  # not neighbours / dissolved
    assert "阿尔法论坛的自我中心网络（半径 1） · 2025-12-31" in texts  # the title
    assert {"机制", "国家", "嵌套于", "成员"} <= texts  # the legend: kinds, link types, roles
    assert "Alpha Forum" not in texts
    root = ET.parse(out).getroot()
    width = float(root.get("width", "0").removesuffix("pt"))
    assert width == pytest.approx(figures.PAGE_WIDTH_IN * 72, abs=2)  # 16 cm in points


def test_members_of_a_forum_named_by_its_slug(project: Project, tmp_path: Path) -> None:
    spec = Subgraph(members_of="gamma-initiative")
    out = export(project, "svg", tmp_path / "m.svg", as_of="2025", lang="en", subgraph=spec)
    texts = svg_texts(out)
    assert {"Gamma Initiative", "Corvia", "Dalmar", "Estoria", "Galen", "observer"} <= texts
    assert "Borland" not in texts  # left in 2021
    assert "Ardenia" not in texts


def test_top_n_png_is_page_sized(project: Project, tmp_path: Path) -> None:
    out = export(project, "png", tmp_path / "t.png", subgraph=Subgraph(top=4, by="betweenness"))
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    page = figures.PAGE_WIDTH_IN * figures.PNG_DPI  # 16 cm at 300 dpi
    assert abs(width - page) <= 4 or (width < page and height >= 2500)
    dot = export(project, "dot", tmp_path / "t.dot", subgraph=Subgraph(top=4, by="betweenness"))
    nodes = [line for line in dot.read_text(encoding="utf-8").splitlines() if "shape=" in line]
    assert len(nodes) == 4


def test_top_n_picks_the_most_central(project: Project, tmp_path: Path) -> None:
    out = export(project, "svg", tmp_path / "t.svg", as_of="2025", subgraph=Subgraph(top=3))
    texts = svg_texts(out)
    # in 2025 Beta has 6 members and 2 links, Gamma 4 members and 4 links: the two largest
    assert {"Beta Organisation", "Gamma Initiative"} <= texts


def test_pdf(project: Project, tmp_path: Path) -> None:
    out = export(project, "pdf", tmp_path / "e.pdf", lang="zh", subgraph=Subgraph(ego="阿尔法论坛"))
    assert out.read_bytes()[:5] == b"%PDF-"


def test_figure_errors(project: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot be combined"):
        export(project, "svg", tmp_path / "x.svg", subgraph=Subgraph(ego="AF", top=3))
    with pytest.raises(UserError, match="use --format png, svg, pdf or dot"):
        export(project, "graphml", tmp_path / "x.graphml", subgraph=Subgraph(ego="AF"))
    with pytest.raises(UserError, match="no entity is called"):
        export(project, "svg", tmp_path / "x.svg", subgraph=Subgraph(ego="No Such Forum"))
    with pytest.raises(UserError, match="has no memberships or regime links"):
        export(
            project, "svg", tmp_path / "x.svg", as_of="2005", subgraph=Subgraph(ego="Zeta Process")
        )
    with pytest.raises(UserError, match="has no members"):
        export(project, "svg", tmp_path / "x.svg", subgraph=Subgraph(members_of="Ardenia"))
    assert not list(tmp_path.iterdir())


def test_cli_options(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from regimekg.cli import main

    out = tmp_path / "m.svg"
    args = ["--root", str(project.root), "export", "--format", "svg", "-o", str(out)]
    assert main([*args, "--members-of", "Alpha Forum", "--lang", "zh"]) == 0
    assert {"阿尔法论坛", "阿登尼亚", "博兰", "科维亚", "达尔马"} <= svg_texts(out)
    assert main([*args, "--ego", "AF", "--top", "3"]) != 0
    assert "cannot be combined" in capsys.readouterr().err
