"""params.yaml loading and the atomic write helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinicode.config import Params, load_params
from clinicode.errors import ConfigError, InputError
from clinicode.io import atomic_directory, write_json_atomic

REPO = Path(__file__).resolve().parents[1]


def test_repository_params_are_valid() -> None:
    params = load_params(REPO / "params.yaml")
    assert isinstance(params, Params)
    assert params.assemble.source == "synthetic"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("train:\n  epochz: 3\n", "train.epochz"),
        ("train:\n  epochs: zero\n", "train.epochs"),
        ("assemble:\n  split_fractions: {train: 0.5, test: 0.1}\n", "sum to 1.0"),
        ("assemble:\n  on_bad_record: ignore\n", "assemble.on_bad_record"),
        ("train: [unclosed\n", "cannot read parameters"),
    ],
)
def test_bad_params_name_file_and_key(tmp_path: Path, yaml_text: str, message: str) -> None:
    file = tmp_path / "params.yaml"
    file.write_text(yaml_text)
    with pytest.raises(ConfigError) as info:
        load_params(file)
    assert str(file) in str(info.value) and message in str(info.value)


def test_missing_explicit_params_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_params(tmp_path / "absent.yaml")


def test_input_error_names_file_record_field() -> None:
    err = InputError("notes.jsonl", "expected a non-empty string", record=7, field="text")
    assert str(err) == "notes.jsonl, record 7, field 'text': expected a non-empty string"


def test_atomic_directory_keeps_old_output_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "dataset"
    with atomic_directory(target) as tmp:
        write_json_atomic(tmp / "manifest.json", {"version": 1})
    with pytest.raises(RuntimeError):
        with atomic_directory(target) as tmp:
            (tmp / "half-written").write_text("x")
            raise RuntimeError("crash mid-run")
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
