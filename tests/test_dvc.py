"""dvc.yaml: stages exist under the params.yaml section names and `dvc repro` runs offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def test_dvc_stages_match_params_sections() -> None:
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    assert set(stages) <= set(params)
    for name, stage in stages.items():
        assert stage["cmd"] == f"clinicode stage {name}"
        assert name in stage["params"]


@pytest.mark.slow
def test_dvc_repro_assemble_runs_and_is_then_up_to_date(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dvc.yaml", "training", "validation"):
        src = REPO / name
        copy = shutil.copytree if src.is_dir() else shutil.copy
        copy(src, project / name)
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["corpus"].update(n_patients=20, n_codes=10)
    (project / "params.yaml").write_text(yaml.safe_dump(params))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DVC_NO_ANALYTICS": "1",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            args, cwd=project, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("git", "init", "-q")
    run(sys.executable, "-m", "dvc", "init", "-q")
    run(sys.executable, "-m", "dvc", "repro", "assemble")
    assert (project / "data" / "dataset" / "manifest.json").exists()
    assert "assemble" in (project / "dvc.lock").read_text()
    again = run(sys.executable, "-m", "dvc", "repro", "assemble")
    assert "didn't change" in again or "up to date" in again.lower()
