"""The JSON Schemas for editors (solver/schemas/, written by solver/schema.py from the reader's
key tables): current, valid, taking every problem file and answer sheet the project writes, and
refusing the shape errors of the bad-file corpus as the reader does."""
from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT
from solver import problem, schema
from solver.kinds.registry import KINDS
from solver.errors import ProblemError
from solver.yamlsource import dotted, load_bytes, load_file

PROBLEMS = sorted((ROOT / "problems").glob("*.yaml"))
BAD = ROOT / "tests" / "bad"
MODELINE = "# yaml-language-server: $schema=../solver/schemas/problem.schema.json"


def validator(name: str) -> jsonschema.Draft7Validator:
    """The schema as the package ships it."""
    text = resources.files("solver").joinpath("schemas", name).read_text(encoding="utf-8")
    return jsonschema.Draft7Validator(json.loads(text))


PROBLEM = validator("problem.schema.json")
ANSWERS = validator("answers.schema.json")


# ------------------------------------------------------------------ the files are the tables'

@pytest.mark.parametrize("name", sorted(schema.FILES))
def test_the_checked_in_schema_is_the_generated_one(name):
    on_disk = (ROOT / "solver" / "schemas" / name).read_text(encoding="utf-8")
    assert on_disk == schema.text_of(name), f"solver/schemas/{name} is stale: run python -m solver.schema"
    jsonschema.Draft7Validator.check_schema(json.loads(on_disk))


def test_the_check_mode_finds_a_stale_file(tmp_path, monkeypatch, capsys):
    assert schema.main(["--check"]) == 0
    monkeypatch.setattr(schema, "FOLDER", tmp_path)
    (tmp_path / "problem.schema.json").write_text("{}\n")
    assert schema.main(["--check"]) == 1
    assert "stale: problem.schema.json, answers.schema.json" in capsys.readouterr().err
    assert schema.main([]) == 0 and schema.main(["--check"]) == 0       # rewritten
    assert (tmp_path / "answers.schema.json").read_text() == schema.text_of("answers.schema.json")


@pytest.mark.parametrize("kind", problem.KINDS)
def test_each_kind_allows_exactly_the_readers_keys(kind):
    """One table: the keys the schema allows a question of each kind are those the reader allows."""
    [block] = [b["then"] for b in schema.problem_schema()["definitions"]["question"]["allOf"]
               if b["if"]["properties"]["kind"]["const"] == kind]
    assert list(block["properties"]) == list(problem.keys_of(kind))
    assert block["additionalProperties"] is False


def test_the_name_tables_are_the_solvers():
    """The reader's plain name tables agree with the activations and losses the solver has."""
    from solver.activations import ACTIVATIONS
    from solver.losses import LOSSES, REDUCTIONS
    from solver.kinds.network import fields as network
    assert network.ACTIVATION_NAMES == tuple(ACTIVATIONS)
    assert network.LOSS_NAMES == tuple(LOSSES)
    assert network.REDUCTION_NAMES == tuple(REDUCTIONS)


IMPORTS = """
import sys
import solver.problem, solver.randomize
{fields}
before = set(sys.modules)
import solver.schema
for name in solver.schema.FILES:
    solver.schema.text_of(name)
import json
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_generator_imports_nothing_heavy_of_its_own():
    """Writing the schemas imports no NumPy, SymPy or matplotlib beyond what the reader's own
    modules import (once those import none, neither does the generator)."""
    fields = "\n".join(f"import solver.kinds.{k.folder}.fields" for k in KINDS.values() if k.fields)
    out = subprocess.run([sys.executable, "-c", IMPORTS.format(fields=fields)], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    added = json.loads(out)
    assert [m for m in added if m.split(".")[0] in ("numpy", "sympy", "matplotlib")] == []
    assert [m for m in added if m.startswith("solver")] == ["solver.schema"]


# ------------------------------------------------------------------ problem files

@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
def test_every_problem_file_names_the_schema_and_validates(path):
    assert path.read_text(encoding="utf-8").split("\n", 1)[0] == MODELINE
    assert (path.parent / MODELINE.split("=", 1)[1]).resolve() == ROOT / "solver" / "schemas" / "problem.schema.json"
    errors = [f"{dotted(e.absolute_path)}: {e.message}" for e in PROBLEM.iter_errors(load_file(path).data)]
    assert errors == []


def test_a_variant_file_validates_and_drops_the_schema_line(tmp_path):
    """A variant is written elsewhere: the relative schema line of its original would not find the schema."""
    from solver.cli import main
    result = CliRunner().invoke(main, [str(ROOT / "problems" / "exam1.yaml"), "--variants", "1", "--format", "json",
                                       "-o", str(tmp_path / "v")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "v" / "exam1-v01.yaml").read_text(encoding="utf-8")
    assert "yaml-language-server" not in text and text.startswith("# Variant 1 of exam1.yaml")
    assert list(PROBLEM.iter_errors(load_bytes(text.encode(), "variant").data)) == []


# The files of tests/bad/ whose mistake is one of shape: an unknown key, a value of the wrong
# type, a misspelled name (kind, activation, loss, ...), a number out of its range. The schema
# refuses each, and (as the reader) at the field the reader names or at one holding it.
SHAPE_ERRORS = [
    # unknown keys
    "unknown_top_key.yaml", "unknown_layer_key.yaml", "init_typo.yaml", "params/sizes_typo.yaml",
    "perceptron/points_typo.yaml", "train/tolerance_typo.yaml", "randomize/rule_key_typo.yaml",
    "loss/loss_not_losses.yaml", "perceptron/network_field.yaml", "missing_kind.yaml",
    # misspelled or other courses' names
    "kind_typo.yaml", "unknown_activation.yaml", "activation_alias.yaml", "unknown_loss.yaml", "loss_typo.yaml",
    "reduction_typo.yaml", "layout_typo.yaml", "update_typo.yaml", "notation_typo.yaml",
    "loss/unknown_loss.yaml", "loss/loss_alias.yaml", "loss/reduction_typo.yaml", "perceptron/rule_typo.yaml",
    "train/batch_typo.yaml", "train/batch_alias.yaml",
    # wrong types
    "bool_number.yaml", "quoted_number.yaml", "string_number.yaml", "top_level_list.yaml",
    "questions_not_list.yaml", "question_not_mapping.yaml", "loss/y_hat_text.yaml", "params/bias_not_bool.yaml",
    "params/dashed_sizes.yaml", "params/fractional_units.yaml", "train/epochs_fraction.yaml",
    "train/shuffle_text.yaml", "train/shuffle_true.yaml", "train/batch_empty.yaml",
    "perceptron/order_random.yaml", "randomize/empty_section.yaml", "randomize/nonzero_not_boolean.yaml",
    "randomize/one_choice.yaml",
    # numbers out of range
    "negative_lr.yaml", "zero_lr.yaml", "decimals_range.yaml", "too_large.yaml", "units_zero.yaml",
    "loss/huber_delta_zero.yaml", "params/input_zero.yaml", "params/negative_units.yaml",
    "params/units_zero.yaml", "params/network_units_zero.yaml", "params/one_size.yaml",
    "params/too_many_layers.yaml", "perceptron/epochs_absurd.yaml", "perceptron/label_value.yaml",
    "perceptron/seed_negative.yaml", "perceptron/zero_lr.yaml", "train/batch_zero.yaml",
    "train/epochs_absurd.yaml", "train/epochs_zero.yaml", "train/tolerance_negative.yaml",
    "randomize/step_zero.yaml",
]


def _within(error_path: tuple, field: str) -> bool:
    """Whether the schema's error stands at the reader's field or at a mapping or list holding it."""
    at = dotted(error_path)
    return not at or field == at or field.startswith(at + ".") or field.startswith(at + "[")


@pytest.mark.parametrize("name", SHAPE_ERRORS, ids=lambda n: n.removesuffix(".yaml"))
def test_the_schema_refuses_the_shape_errors_the_reader_refuses(name):
    src = load_file(BAD / name)
    with pytest.raises(ProblemError) as info:
        problem.read_problem(src)
    errors = list(PROBLEM.iter_errors(src.data))
    assert errors, f"{name}: the schema takes what the reader refuses ({info.value.message})"
    everywhere = [e for top in errors for e in [top, *(top.context or ())]]
    assert any(_within(tuple(e.absolute_path), info.value.field) for e in everywhere), \
        [(dotted(e.absolute_path), e.message) for e in errors]


def test_the_list_names_files_of_the_corpus():
    assert len(SHAPE_ERRORS) == len(set(SHAPE_ERRORS)) >= 40
    assert all((BAD / name).is_file() for name in SHAPE_ERRORS)


# ------------------------------------------------------------------ answer sheets

def _filled_sheet(path, tmp_path) -> bytes:
    """`solve PATH --format answers`, each blank filled with the key's value, as a student would."""
    from solver import solve
    from solver.cli import main
    blank = tmp_path / f"{path.stem}-sheet.yaml"
    result = CliRunner().invoke(main, [str(path), "--format", "answers", "-o", str(blank)])
    assert result.exit_code == 0, result.output
    assert list(ANSWERS.iter_errors(load_file(blank).data)) == []        # the blank sheet validates
    sheet = yaml.safe_load(blank.read_text(encoding="utf-8"))
    for q in solve(path).to_json()["questions"]:
        for key in sheet[q["id"]]:
            sheet[q["id"]][key] = q["answers"][key]["value"]
    return yaml.safe_dump(sheet).encode()


@pytest.mark.parametrize("path", PROBLEMS, ids=lambda p: p.stem)
def test_a_filled_answer_sheet_validates(path, tmp_path):
    data = load_bytes(_filled_sheet(path, tmp_path), "filled.yaml").data
    assert [f"{dotted(e.absolute_path)}: {e.message}" for e in ANSWERS.iter_errors(data)] == []
    assert list(PROBLEM.iter_errors(data)) != []            # and the two schemas are not the same


def test_a_sheet_of_one_question_may_leave_out_its_id():
    assert list(ANSWERS.iter_errors({"z1": [0.32, 0.04, 0.24], "a1": None, "dW1": [[1, 2], [3, 4]]})) == []


# The sheets of tests/bad_answers/ whose values are of the wrong type (the rest depend on the
# problem: keys, shapes; only `--check` can tell).
BAD_SHEETS = ["boolean.yaml", "empty_entry.yaml", "fraction.yaml", "not_a_mapping.yaml",
              "question_not_mapping.yaml", "quoted_number.yaml"]


@pytest.mark.parametrize("name", BAD_SHEETS, ids=lambda n: n.removesuffix(".yaml"))
def test_the_answer_schema_refuses_values_of_the_wrong_type(name):
    assert list(ANSWERS.iter_errors(load_file(ROOT / "tests" / "bad_answers" / name).data)) != []
