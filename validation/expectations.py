"""Great Expectations suite of a de-identified note dataset.

The suite runs on a pandas frame with the columns of ``clinicode.schema`` (plus ``split`` once the
dataset is split). Checks that GX cannot express on list columns run on helper columns computed
here: the number of codes per note, the number of codes that are not valid ICD-10-CM, and the
number of splits each patient appears in.

Reports hold expectation names, columns and counts only. GX Data Docs are not built: they render
sample unexpected values, which for a text column means note text (and any PHI it still holds);
a small HTML summary is written instead.
"""

from __future__ import annotations

import html
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from clinicode.config import AssembleParams
from clinicode.errors import DataValidationError
from clinicode.io import write_json_atomic, write_text_atomic
from clinicode.schema import DATASET_COLUMNS, GOLD_CODES, NOTE_ID, PATIENT_ID, SPLIT, TEXT
from training.deid import PHI_REGEXES

logger = logging.getLogger(__name__)

SUITE_NAME = "clinicode_notes"
N_CODES = "_n_codes"
INVALID_CODES = "_invalid_codes"
PATIENT_SPLITS = "_patient_splits"
_BLANK = r"^\s*$"
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


def _run_suite(frame: pd.DataFrame, params: AssembleParams, has_split: bool) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas(name="notes_source")
        .add_dataframe_asset(name="notes")
        .add_batch_definition_whole_dataframe("all_rows")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=SUITE_NAME))
    for expectation in _expectations(params, has_split):
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{SUITE_NAME}_run", data=batch, suite=suite)
    )
    # BASIC gives counts; the sample values it also returns are dropped by _summary.
    return definition.run(batch_parameters={"dataframe": frame}, result_format="BASIC")


def _summary(result: Any, n_rows: int) -> dict:
    """Success, statistics and failed expectations (type, column, count); never values."""
    failed = []
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        outcome = item.result or {}
        failed.append(
            {
                "expectation": config.type,
                "column": config.kwargs.get("column"),
                "rule": _RULES.get(config.kwargs.get("regex") or config.kwargs.get("column")),
                "unexpected_count": outcome.get("unexpected_count"),
                "observed_value": outcome.get("observed_value")
                if config.type == "expect_table_row_count_to_be_between"
                else None,
                "exception": bool(
                    item.exception_info and item.exception_info.get("raised_exception")
                ),
            }
        )
    statistics = {key: value for key, value in dict(result.statistics).items()}
    return {
        "suite": SUITE_NAME,
        "success": bool(result.success),
        "rows": n_rows,
        "statistics": statistics,
        "failed": failed,
    }


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
        f"{stats.get('evaluated_expectations')} expectations met.</p>"
        "<table border='1'><tr><th>Failed expectation</th><th>Column</th>"
        f"<th>Unexpected rows</th></tr>{rows}</table></body></html>\n"
    )


def validate_notes(df: pd.DataFrame, params: AssembleParams, docs_dir: Path | None = None) -> dict:
    """Run the suite on a de-identified note frame.

    Args:
        df: Rows with the dataset columns (``codes`` as lists), plus ``split`` if already split.
        params: Assembly parameters (text length bounds, maximum codes per note).
        docs_dir: Where to write ``validation.json`` and ``validation.html``; nothing is written
            when None.

    Returns:
        The summary: ``success``, ``statistics``, ``rows`` and ``failed`` (expectation, column,
        unexpected count; no values).

    Raises:
        DataValidationError: An expectation failed (raised after the reports are written).
    """
    has_split = SPLIT in df.columns
    result = _run_suite(_with_helpers(df), params, has_split)
    summary = _summary(result, len(df))
    if docs_dir is not None:
        write_json_atomic(docs_dir / "validation.json", summary)
        write_text_atomic(docs_dir / "validation.html", _html(summary))
    stats = summary["statistics"]
    logger.info(
        "data validation: %s of %s expectations met on %d rows",
        stats.get("successful_expectations"),
        stats.get("evaluated_expectations"),
        len(df),
    )
    if not summary["success"]:
        failures = "; ".join(
            f"{f['rule'] or f['expectation']} [{f['column'] or 'table'}]: "
            f"{f['unexpected_count']} rows"
            for f in summary["failed"]
        )
        raise DataValidationError(f"dataset failed suite {SUITE_NAME}: {failures}")
    return summary
