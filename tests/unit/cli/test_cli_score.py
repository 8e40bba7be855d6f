"""``attune score`` against real CSV files in tmp_path."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from attune.domain.instruments import ScoringContext, get_instrument, list_instruments, score

Invoke = Callable[..., Result]

PHQ9_HEADER = "id,q1,q2,q3,q4,q5,q6,q7,q8,q9"


def write(tmp_path: Path, text: str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(result: Result) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_scores_each_row_with_band_and_flags(attune: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{PHQ9_HEADER}\np1,0,0,0,0,0,0,0,0,0\np2,1,2,3,0,1,2,3,0,1\np3,3,3,3,3,3,3,3,3,3\n",
    )
    result = attune(["score", "phq9", str(path)])
    assert result.exit_code == 0, result.output
    rows = rows_of(result)
    assert list(rows[0]) == [
        "id", "total", "band", "flags", "missing", "imputed", "skipped", "findings", "errors",
    ]  # fmt: skip
    assert [(r["id"], r["total"], r["band"], r["flags"]) for r in rows] == [
        ("p1", "0", "Minimal", ""),
        ("p2", "13", "Moderate", "suicidal_ideation"),
        ("p3", "27", "Severe", "suicidal_ideation"),
    ]
    assert all(r["errors"] == "" for r in rows)


def test_json_output_lists_objects(attune: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, f"{PHQ9_HEADER}\np1,1,1,1,1,1,1,1,1,0\np2,,,,1,1,1,1,1,0\n")
    result = attune(["score", "phq9", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data[0] == {
        "id": "p1",
        "total": 8,
        "band": "Mild",
        "subscales": {},
        "flags": [],
        "missing": [],
        "imputed": [],
        "skipped": [],
        "findings": [],
        "errors": [],
    }
    # three unanswered PHQ-9 items: more than the manual's two, so no total
    assert data[1]["total"] is None
    assert data[1]["missing"] == ["q1", "q2", "q3"]
    assert data[1]["errors"] == []


def test_one_or_two_missing_phq9_items_are_mean_substituted(attune: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, f"{PHQ9_HEADER}\np1,2,,2,2,2,2,2,2,0\n")
    result = attune(["score", "phq9", str(path), "--json"])
    (row,) = json.loads(result.stdout)
    expected = score(get_instrument("phq9"), {f"q{i}": 2 for i in (1, 3, 4, 5, 6, 7, 8)} | {
        "q2": None, "q9": 0,
    })  # fmt: skip
    assert row["total"] == pytest.approx(expected.total)
    assert row["imputed"] == ["q2"] and row["missing"] == []


def test_a_bad_row_is_reported_and_never_stops_the_others(attune: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{PHQ9_HEADER}\nok1,1,1,1,1,1,1,1,1,0\nbad,1,two,1,1,7,1,1,1.5,2\nok2,2,2,2,2,2,2,2,2,0\n",
    )
    result = attune(["score", "phq9", str(path), "--json"])
    assert result.exit_code == 0, result.output
    ok1, bad, ok2 = json.loads(result.stdout)
    assert ok1["total"] == 8 and ok2["total"] == 16
    assert bad["total"] is None and bad["band"] is None
    assert bad["errors"] == [
        "q2: 'two' is not a whole number (allowed: 0, 1, 2, 3)",
        "q5: 7 is not an allowed answer for PHQ-9 (allowed: 0, 1, 2, 3)",
        "q8: '1.5' is not a whole number (allowed: 0, 1, 2, 3)",
    ]
    # the critical answer on item 9 is still raised, even though the row is not scored
    assert bad["flags"] == ["suicidal_ideation"]


def test_strict_exits_non_zero_when_any_row_is_bad(attune: Invoke, tmp_path: Path) -> None:
    good = write(tmp_path, f"{PHQ9_HEADER}\na,1,1,1,1,1,1,1,1,0\n", "good.csv")
    bad = write(tmp_path, f"{PHQ9_HEADER}\na,1,1,1,1,1,1,1,1,0\nb,9,1,1,1,1,1,1,1,0\n", "bad.csv")
    unscorable = write(tmp_path, f"{PHQ9_HEADER}\na,,,,1,1,1,1,1,0\n", "missing.csv")
    assert attune(["score", "phq9", str(good), "--strict"]).exit_code == 0
    result = attune(["score", "phq9", str(bad), "--strict"])
    assert result.exit_code == 1
    assert len(rows_of(result)) == 2  # every row is still printed
    assert "1 of 2 row(s) have errors or could not be scored" in result.stderr
    assert attune(["score", "phq9", str(unscorable), "--strict"]).exit_code == 1
    assert attune(["score", "phq9", str(bad)]).exit_code == 0


def test_unknown_column_with_a_value_is_a_row_error(attune: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, f"{PHQ9_HEADER},q10\na,1,1,1,1,1,1,1,1,0,\nb,1,1,1,1,1,1,1,1,0,3\n")
    result = attune(["score", "phq9", str(path), "--json"])
    a, b = json.loads(result.stdout)
    assert a["total"] == 8 and a["errors"] == []
    assert b["total"] is None
    assert b["errors"] == ["unknown column 'q10': PHQ-9 has items q1–q9"]


def test_short_and_long_rows_and_empty_ids_are_row_errors(attune: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{PHQ9_HEADER}\nshort,1,1\n\n,1,1,1,1,1,1,1,1,0\nlong,1,1,1,1,1,1,1,1,0,1\n",
    )
    result = attune(["score", "phq9", str(path), "--json"])
    short, no_id, long = json.loads(result.stdout)
    assert short["errors"] == ["line 2: 3 cells, but the header has 10"]
    assert no_id["id"] == "line 4" and no_id["errors"] == ["line 4: the id cell is empty"]
    assert long["errors"] == ["line 5: 11 cells, but the header has 10"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "patient,q1,q2,q3,q4,q5,q6,q7,q8,q9\na,1,1,1,1,1,1,1,1,1\n",
            "the header has no 'id' column (expected: id, q1…q9; found: patient, q1,",
        ),
        (
            "id,item1,item2,item3,item4,item5,item6,item7,item8,item9\na,1,1,1,1,1,1,1,1,1\n",
            "missing column(s) q1, q2, q3, q4, q5, q6, q7, q8, q9 for PHQ-9 (it needs id, "
            "q1…q9; leave a cell empty for an unanswered item); unrecognised column(s): item1,",
        ),
        (
            "id,q1,q2,q3,q4,q5,q6,q7,q8\na,1,1,1,1,1,1,1,1\n",
            "missing column(s) q9 for PHQ-9",
        ),
        ("id,q1,q1,q2\n", "the header repeats column(s) q1"),
        ("\n\n", "the file is empty (expected a header row: id, q1, …)"),
    ],
)
def test_malformed_files_fail_with_a_clear_message(
    attune: Invoke, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    result = attune(["score", "phq9", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_instrument(attune: Invoke, tmp_path: Path) -> None:
    missing = attune(["score", "phq9", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    assert "nope.csv is not a file" in missing.stderr
    unknown = attune(["score", "phq99", str(write(tmp_path, PHQ9_HEADER + "\n"))])
    assert unknown.exit_code == 1
    assert "no instrument 'phq99'" in unknown.stderr


def test_not_utf8_is_a_clear_error(attune: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{PHQ9_HEADER}\nJos\xe9,1,1,1,1,1,1,1,1,0\n".encode("latin-1"))
    result = attune(["score", "phq9", str(path)])
    assert result.exit_code == 1
    assert "not a readable CSV file" in result.stderr and "utf-8" in result.stderr


def test_bom_quotes_and_spaces_are_accepted(attune: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = ' id , q1,q2,q3,q4,q5,q6,q7,q8,q9\r\n"Smith, J", 1 ,1,1,1,1,1,1,1,0\r\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    (row,) = json.loads(attune(["score", "phq9", str(path), "--json"]).stdout)
    assert row["id"] == "Smith, J" and row["total"] == 8 and row["errors"] == []


def test_sex_column_values_are_checked(attune: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path, f"{PHQ9_HEADER},sex\na,1,1,1,1,1,1,1,1,0,F\nb,1,1,1,1,1,1,1,1,0,unknown\n"
    )
    a, b = json.loads(attune(["score", "phq9", str(path), "--json"]).stdout)
    assert a["errors"] == [] and a["total"] == 8
    assert b["errors"] == ["sex: 'unknown' is not one of female, male (or leave it empty)"]
    bad_option = attune(["score", "phq9", str(path), "--sex", "other"])
    assert bad_option.exit_code == 2
    assert "'other' is not one of" in bad_option.stderr


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
def test_every_instrument_scores_published_codes_like_the_engine(
    attune: Invoke, tmp_path: Path, instrument: object
) -> None:
    from attune.domain.instruments import Instrument

    assert isinstance(instrument, Instrument)
    rng = random.Random(7)
    answers = [
        {item.link_id: rng.choice(item.codes) for item in instrument.items} for _ in range(25)
    ]
    lines = [",".join(["id", *instrument.item_ids])]
    for n, row in enumerate(answers):
        lines.append(",".join([f"r{n}", *(str(row[i]) for i in instrument.item_ids)]))
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = attune(["score", instrument.id, str(path), "--json", "--sex", "female"])
    assert result.exit_code == 0, result.output
    for out, row in zip(json.loads(result.stdout), answers, strict=True):
        expected = score(instrument, row, context=ScoringContext(sex="female"))
        assert out["total"] == expected.total
        assert out["band"] == expected.band
        assert out["flags"] == list(expected.flags)
        assert out["subscales"] == dict(expected.subscales)


def test_large_file_keeps_stdout_clean_csv(attune: Invoke, tmp_path: Path) -> None:
    rng = random.Random(3)
    lines = [PHQ9_HEADER]
    for n in range(3000):
        lines.append(",".join([f"p{n}", *(str(rng.randint(0, 3)) for _ in range(9))]))
    path = write(tmp_path, "\n".join(lines) + "\n")
    result = attune(["score", "phq9", str(path)])
    assert result.exit_code == 0
    rows = rows_of(result)
    assert len(rows) == 3000
    assert all(r["total"].isdigit() for r in rows)


@pytest.mark.parametrize("instrument", list_instruments(), ids=lambda i: i.id)
def test_batch_path_gives_identical_results(instrument: object) -> None:
    """Large files go through numpy; the printed results equal one-at-a-time scoring."""
    from attune.cli.score import score_rows_one_by_one, to_csv, to_json
    from attune.cli.score_batch import score_rows_batched
    from attune.cli.score_input import InputRow
    from attune.domain.instruments import Instrument

    assert isinstance(instrument, Instrument)
    rng = random.Random(instrument.id)
    rows = []
    for n in range(600):
        answers: dict[str, int | None] = {
            item.link_id: rng.choice(item.codes) for item in instrument.items
        }
        roll = rng.random()
        if roll < 0.15:  # some unanswered items
            for link_id in rng.sample(instrument.item_ids, rng.randint(1, 3)):
                answers[link_id] = None
        errors = ["q1: 'x' is not a whole number"] if 0.15 <= roll < 0.2 else []
        sex = rng.choice(["female", "male", None])
        rows.append(InputRow(id=f"r{n}", answers=answers, sex=sex, errors=errors))
    one = score_rows_one_by_one(instrument, rows, "male", lambda n: None)
    batched = score_rows_batched(instrument, rows, "male", lambda n: None)
    assert to_json(batched) == to_json(one)
    assert to_csv(instrument, batched) == to_csv(instrument, one)


def test_auditc_uses_the_sex_column_then_the_sex_option(attune: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "id,q1,q2,q3,sex\nw,1,1,1,female\nm,1,1,1,male\nu,1,1,1,\n")
    rows = json.loads(attune(["score", "auditc", str(path), "--json"]).stdout)
    assert [r["findings"] for r in rows] == [
        ["positive_female"],
        ["negative_male"],
        ["positive_if_female"],
    ]
    with_default = json.loads(
        attune(["score", "auditc", str(path), "--json", "--sex", "MALE"]).stdout
    )
    assert [r["findings"] for r in with_default] == [
        ["positive_female"],
        ["negative_male"],
        ["negative_male"],
    ]


def test_published_codes_are_what_the_file_holds(attune: Invoke, tmp_path: Path) -> None:
    # AUDIT items 9 and 10 are coded 0/2/4: a 1 there is an error naming the allowed codes.
    audit = write(
        tmp_path,
        "id,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n"
        "a,4,4,4,4,4,4,4,4,4,4\nb,1,1,1,1,1,1,1,1,1,0\nnever,0,,,,,,,,0,0\n",
        "audit.csv",
    )
    a, b, never = json.loads(attune(["score", "audit", str(audit), "--json"]).stdout)
    assert a["total"] == 40
    assert b["errors"] == ["q9: 1 is not an allowed answer for AUDIT (allowed: 0, 2, 4)"]
    # the form's own skip rule: 'Never' on question 1 skips to question 9
    assert never["total"] == 0 and never["skipped"] == [f"q{i}" for i in range(2, 9)]

    # DAST-10 is yes = 1, no = 0 as answered; item 3 is reverse-keyed by the engine.
    dast = write(
        tmp_path, "id,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\nall_yes,1,1,1,1,1,1,1,1,1,1\n", "dast.csv"
    )
    (row,) = json.loads(attune(["score", "dast10", str(dast), "--json"]).stdout)
    assert row["total"] == 9

    # ECR-R is 1–7 as answered; 0 is not an answer.
    header = ",".join(["id", *(f"q{i}" for i in range(1, 37))])
    ecrr = write(
        tmp_path, f"{header}\nfours,{','.join(['4'] * 36)}\nzero,{','.join(['0'] * 36)}\n", "e.csv"
    )
    fours, zero = json.loads(attune(["score", "ecrr", str(ecrr), "--json"]).stdout)
    assert fours["total"] is None and fours["subscales"] == {"anxiety": 4, "avoidance": 4}
    assert (
        zero["errors"][0]
        == "q1: 0 is not an allowed answer for ECR-R (allowed: 1, 2, 3, 4, 5, 6, 7)"
    )
