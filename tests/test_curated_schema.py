"""The curated files' JSON Schemas: generated from the record table, current, and valid.

Editors validate curated YAML against ``data/curated/schema/<kind>.schema.json`` (the modeline
on each file's first line names it); these tests keep that schema honest against the data and
against the checker's own record definitions.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from regimekg import curated, curated_schema, records, vocab
from regimekg.paths import Project


def _validator(repo: Project, kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(curated_schema.schema_path(repo, kind).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", records.KIND_NAMES)
def test_committed_schema_is_what_generate_writes(repo: Project, kind: str) -> None:
    path = curated_schema.schema_path(repo, kind)
    assert path.read_text("utf-8") == curated_schema.schema_text(repo, kind), (
        f"{path} is stale; run `regimekg generate`"
    )


@pytest.mark.parametrize("kind", records.KIND_NAMES)
def test_every_curated_file_validates_against_its_schema(repo: Project, kind: str) -> None:
    validator = _validator(repo, kind)
    for path in sorted((repo.curated_dir / kind).glob("*.yaml")):
        text = path.read_text("utf-8")
        assert text.startswith(curated.modeline(kind)), f"{path} has no schema modeline"
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(text) or [])]
        assert not errors, f"{path}: {errors[:3]}"


def _membership(**changes: Any) -> list[dict[str, Any]]:
    rec: dict[str, Any] = {
        "organisation": "g7",
        "member": "canada",
        "role": "member",
        "evidence": [{"source": "jsdm-2024-03", "quote": "七国集团"}],
    }
    rec.update(changes)
    return [{k: v for k, v in rec.items() if v is not None}]


def test_schema_refuses_a_wrong_role_and_a_missing_field(repo: Project) -> None:
    validator = _validator(repo, "memberships")
    assert not list(validator.iter_errors(_membership()))
    wrong_role = [e.message for e in validator.iter_errors(_membership(role="chair"))]
    assert any("'chair' is not one of" in m for m in wrong_role)
    missing = [e.message for e in validator.iter_errors(_membership(member=None))]
    assert any("'member' is a required property" in m for m in missing)
    bad_date = list(validator.iter_errors(_membership(start="2016.10")))
    assert bad_date
    no_quote = list(validator.iter_errors(_membership(evidence=[{"source": "jsdm-2024-03"}])))
    assert no_quote


def test_enums_come_from_the_vocabularies_with_descriptions(repo: Project) -> None:
    voc = vocab.load(repo)
    schema = json.loads(curated_schema.schema_text(repo, "links"))
    link_type = schema["$defs"]["link"]["properties"]["type"]
    assert link_type["enum"] == list(voc.link_types)
    assert len(link_type["enumDescriptions"]) == len(link_type["enum"])
    assert all(d.strip() for d in link_type["enumDescriptions"])
    # the table's field order is the schema's property order (completion offers keys in it)
    assert list(schema["$defs"]["link"]["properties"]) == list(records.KINDS["links"].names)


def test_classification_concepts_depend_on_the_scheme(repo: Project) -> None:
    validator = _validator(repo, "classifications")
    voc = vocab.load(repo)
    scheme, concepts = next(iter(voc.classification_schemes.items()))
    good = {"subject": "g7", "scheme": scheme, "concept": next(iter(concepts.concepts))}
    good["evidence"] = [{"source": "jsdm-2024-03", "quote": "x"}]
    assert not list(validator.iter_errors([good]))
    assert list(validator.iter_errors([{**good, "concept": "no-such-concept"}]))


def test_checker_and_schema_share_the_record_table() -> None:
    """Allowed and required fields of the checker are the table's, not a list of its own."""
    for name, kind in records.KINDS.items():
        allowed = set(curated.KEYS[name]) | set(curated.OPTIONAL[name]) | {"evidence"}
        assert allowed == set(kind.names)
    assert set(curated.DATASET_EVIDENCE_FIELDS) == {f.name for f in records.DATASET_EVIDENCE}
