"""Great Expectations suite of a de-identified note dataset.

The suite runs on a pandas frame with the columns of ``clinicode.schema`` (plus ``split`` once the
dataset is split). Checks that GX cannot express on list columns run on helper columns computed
here: the number of codes per note, the number of codes that are not valid ICD-10-CM, and the
number of splits each patient appears in.

Large datasets are validated batch by batch (``NoteSuite``): one checkpoint run per batch, the
counts summed, and checks that span batches (unique ids, one split per patient) added by the
caller from its own small structures. GX Data Docs are built under ``<docs_dir>/gx``. Every run
uses the SUMMARY result format with ``partial_unexpected_count: 0``, so neither the stored results
nor the Data Docs hold a single value of a column (no note text, no identifier): only expectation
names, columns and counts. ``validation.json``/``validation.html`` summarise the whole dataset.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from clinicode.config import AssembleParams
from clinicode.errors import DataValidationError
from clinicode.io import atomic_directory, write_json_atomic, write_text_atomic
from clinicode.schema import DATASET_COLUMNS, GOLD_CODES, NOTE_ID, PATIENT_ID, SPLIT, TEXT
from training.deid import PHI_REGEXES

logger = logging.getLogger(__name__)

SUITE_NAME = "clinicode_notes"
N_CODES = "_n_codes"
INVALID_CODES = "_invalid_codes"
PATIENT_SPLITS = "_patient_splits"
_BLANK = r"^\s*$"
# Counts only: no sample of unexpected values may reach results, logs or Data Docs.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0}
DOCS_FOLDER = "gx"
# Readable names of the checks done on helper columns or with a regex (for reports).
_RULES = {
    N_CODES: "codes per note within bounds",
    INVALID_CODES: "every code valid in ICD-10-CM",
    PATIENT_SPLITS: "each patient in one split only",
    _BLANK: "text not blank",
    **{regex: f"no {name.upper()} pattern in text" for name, regex in PHI_REGEXES.items()},
}


@lru_cache(maxsize=65_536)
def is_valid_code(code: str) -> bool:
    """True for an ICD-10-CM code (category or below; chapters and blocks are not codes)."""
    import simple_icd_10_cm as cm  # about 2 s to import: only when codes are checked

    return bool(
        isinstance(code, str) and cm.is_valid_item(code) and not cm.is_chapter_or_block(code)
    )


def _with_helpers(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with the helper columns the suite checks."""
    frame = df.copy()
    codes = frame[GOLD_CODES] if GOLD_CODES in frame else pd.Series([[]] * len(frame))
    frame[N_CODES] = [len(c) if isinstance(c, list | tuple) else 0 for c in codes]
    frame[INVALID_CODES] = [
        sum(not is_valid_code(code) for code in c) if isinstance(c, list | tuple) else 1
        for c in codes
    ]
    if SPLIT in frame and PATIENT_ID in frame:
        frame[PATIENT_SPLITS] = frame.groupby(PATIENT_ID)[SPLIT].transform("nunique")
    return frame


def _expectations(params: AssembleParams, has_split: bool) -> list[Any]:
    import great_expectations.expectations as gxe

    columns = [*DATASET_COLUMNS, *([SPLIT] if has_split else [])]
    items: list[Any] = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    items += [gxe.ExpectColumnToExist(column=column) for column in columns]
    items += [
        gxe.ExpectColumnValuesToNotBeNull(column=TEXT),
        gxe.ExpectColumnValuesToNotMatchRegex(column=TEXT, regex=_BLANK),
        gxe.ExpectColumnValueLengthsToBeBetween(
            column=TEXT, min_value=params.min_text_chars, max_value=params.max_text_chars
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column=N_CODES, min_value=1, max_value=params.max_codes_per_note
        ),
        gxe.ExpectColumnValuesToBeBetween(column=INVALID_CODES, min_value=0, max_value=0),
        gxe.ExpectColumnValuesToBeUnique(column=NOTE_ID),
    ]
    items += [
        gxe.ExpectColumnValuesToNotMatchRegex(column=TEXT, regex=PHI_REGEXES[name])
        for name in ("ssn", "phone", "email", "mrn")
    ]
    if has_split:
        items.append(
            gxe.ExpectColumnValuesToBeBetween(column=PATIENT_SPLITS, min_value=1, max_value=1)
        )
    return items


class NoteSuite:
    """The suite, run batch by batch on a file data context that lives in a temporary folder.

    Args:
        params: Assembly parameters (length bounds, maximum codes per note).
        has_split: Whether the frames carry the ``split`` column.
        docs_dir: Where ``validation.json``/``.html`` and the Data Docs (``gx/``) go; None
            writes nothing.
    """

    def __init__(self, params: AssembleParams, has_split: bool, docs_dir: Path | None) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.docs_dir = docs_dir
        self._root = Path(tempfile.mkdtemp(prefix="clinicode-gx-"))
        self.context = gx.get_context(mode="file", project_root_dir=str(self._root))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        batch = (
            self.context.data_sources.add_pandas(name="notes_source")
            .add_dataframe_asset(name="notes")
            .add_batch_definition_whole_dataframe("batch")
        )
        suite = self.context.suites.add(gx.ExpectationSuite(name=SUITE_NAME))
        for expectation in _expectations(params, has_split):
            suite.add_expectation(expectation)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{SUITE_NAME}_run", data=batch, suite=suite)
        )
        self.checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name=f"{SUITE_NAME}_checkpoint",
                validation_definitions=[definition],
                result_format=RESULT_FORMAT,
            )
        )
        self.rows = self.batches = self.evaluated = self.successful = 0
        self.failed: dict[tuple[str, str | None, str | None], int] = {}

    def validate(self, df: pd.DataFrame) -> bool:
        """Run the suite on one batch of rows; True when every expectation held."""
        from great_expectations.core.run_identifier import RunIdentifier

        run_id = RunIdentifier(run_name=f"batch-{self.batches:05d}")
        result = self.checkpoint.run(
            batch_parameters={"dataframe": _with_helpers(df)}, run_id=run_id
        )
        self.batches += 1
        self.rows += len(df)
        for validation in result.run_results.values():
            self._count(validation)
        return bool(result.success)

    def _count(self, validation: Any) -> None:
        for item in validation.results:
            self.evaluated += 1
            if item.success:
                self.successful += 1
                continue
            config = item.expectation_config
            rule = _RULES.get(config.kwargs.get("regex") or config.kwargs.get("column"))
            key = (config.type, config.kwargs.get("column"), rule)
            self.failed[key] = self.failed.get(key, 0) + int(
                (item.result or {}).get("unexpected_count") or 0
            )

    def add_check(self, rule: str, column: str, unexpected: int) -> None:
        """Record a check done outside GX (across batches): ``unexpected`` rows broke ``rule``."""
        self.evaluated += 1
        if unexpected:
            self.failed[("cross_batch_check", column, rule)] = unexpected
        else:
            self.successful += 1

    def summary(self) -> dict:
        """Success, statistics and failed expectations (type, column, rule, count); no values."""
        failed = [
            {"expectation": kind, "column": column, "rule": rule, "unexpected_count": count}
            for (kind, column, rule), count in self.failed.items()
        ]
        statistics = {
            "evaluated_expectations": self.evaluated,
            "successful_expectations": self.successful,
            "unsuccessful_expectations": self.evaluated - self.successful,
            "batches": self.batches,
        }
        success = not failed and self.rows > 0
        return {
            "suite": SUITE_NAME,
            "success": success,
            "rows": self.rows,
            "statistics": statistics,
            "failed": failed,
        }

    def _write_docs(self, summary: dict) -> None:
        if self.docs_dir is None:
            return
        write_json_atomic(self.docs_dir / "validation.json", summary)
        write_text_atomic(self.docs_dir / "validation.html", _html(summary))
        sites = self.context.build_data_docs()
        site = Path(str(sites["local_site"]).removeprefix("file://")).parent
        with atomic_directory(self.docs_dir / DOCS_FOLDER) as tmp:
            shutil.copytree(site, tmp, dirs_exist_ok=True)

    def close(self) -> None:
        """Remove the temporary data context (``finish`` does it too)."""
        shutil.rmtree(self._root, ignore_errors=True)

    def finish(self) -> dict:
        """Write the reports and Data Docs, remove the context, raise if anything failed.

        Returns:
            The summary (see ``summary``).

        Raises:
            DataValidationError: An expectation or cross-batch check failed, or no rows came.
        """
        summary = self.summary()
        try:
            self._write_docs(summary)
        finally:
            self.close()
        logger.info(
            "data validation: %d of %d expectations met on %d rows in %d batches",
            self.successful,
            self.evaluated,
            self.rows,
            self.batches,
        )
        if not summary["success"]:
            failures = (
                "; ".join(
                    f"{f['rule'] or f['expectation']} [{f['column'] or 'table'}]: "
                    f"{f['unexpected_count']} rows"
                    for f in summary["failed"]
                )
                or "no rows"
            )
            raise DataValidationError(f"dataset failed suite {SUITE_NAME}: {failures}")
        return summary


def _html(summary: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(str(f['rule'] or f['expectation']))}</td>"
        f"<td>{html.escape(str(f['column']))}</td><td>{f['unexpected_count']}</td></tr>"
        for f in summary["failed"]
    )
    status = "PASSED" if summary["success"] else "FAILED"
    stats = summary["statistics"]
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Data validation</title></head>"
        f"<body><h1>Suite {SUITE_NAME}: {status}</h1>"
        f"<p>{summary['rows']} rows; {stats.get('successful_expectations')} of "
        f"{stats.get('evaluated_expectations')} expectations met. Full results: "
        f"<a href='{DOCS_FOLDER}/index.html'>Data Docs</a>.</p>"
        "<table border='1'><tr><th>Failed expectation</th><th>Column</th>"
        f"<th>Unexpected rows</th></tr>{rows}</table></body></html>\n"
    )


def validate_notes(df: pd.DataFrame, params: AssembleParams, docs_dir: Path | None = None) -> dict:
    """Run the suite on one de-identified note frame (all rows in one batch).

    Args:
        df: Rows with the dataset columns (``codes`` as lists), plus ``split`` if already split.
        params: Assembly parameters (text length bounds, maximum codes per note).
        docs_dir: Where to write ``validation.json``, ``validation.html`` and the Data Docs
            (``gx/``); nothing is written when None.

    Returns:
        The summary: ``success``, ``statistics``, ``rows`` and ``failed`` (expectation, column,
        unexpected count; no values).

    Raises:
        DataValidationError: An expectation failed (raised after the reports are written).
    """
    suite = NoteSuite(params, SPLIT in df.columns, docs_dir)
    suite.validate(df)
    return suite.finish()
