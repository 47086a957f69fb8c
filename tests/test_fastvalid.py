"""The compiled fast path of validation (archlint.language.fast) against pydantic, the
language's model: on what pydantic accepts it builds equal objects, on anything else it
gives up (so pydantic reports it), and it never accepts what pydantic refuses."""

from __future__ import annotations

import copy
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from strategies import designs

from archlint.catalog import load_catalog
from archlint.input.load import Limits, read_source
from archlint.language import compile as generator
from archlint.language import fast
from archlint.language.model import Design
from archlint.run.pipeline import check_design

CATALOG = load_catalog()


def _design_files() -> list[Path]:
    """Every design the project ships or tests with: examples, templates, docs, rule fixtures, test data."""
    found: set[Path] = set()
    for pattern in ("examples/**/*.arch.yaml", "archlint/templates/**/*.yaml", "docs/**/*.md", "README.md",
                    "tests/**/*.arch.yaml", "tests/**/*.arch.yml", "tests/**/*.md", "benchmarks/**/*.arch.yaml"):
        found.update(path for path in ROOT.glob(pattern) if "out" not in path.relative_to(ROOT).parts)
    return sorted(found)


def _blocks() -> list[tuple[str, Any]]:
    blocks = []
    for path in _design_files():
        try:
            source = read_source(str(path), Limits(max_file_size=64 * 2**20))
        except Exception:  # not a design (a snapshot, a Markdown page without fences)
            continue
        for block in source.blocks:
            if block.problem is None:
                blocks.append((f"{path.relative_to(ROOT)}#{block.index}", block.data))
    return blocks


BLOCKS = _blocks()


def pydantic_form(data: Any) -> Any:
    try:
        return Design.model_validate(data)
    except ValidationError:
        return None


def assert_same(fast_value: Any, model_value: Any, where: str = "") -> None:
    """Equal field by field, with the same Python types, the same keys in the same
    order, and the same keys written (`model_fields_set`)."""
    if isinstance(model_value, BaseModel):
        assert type(fast_value).__name__ == type(model_value).__name__, where
        assert not isinstance(fast_value, BaseModel), where
        assert fast_value.model_fields_set == model_value.model_fields_set, where
        for name in type(model_value).model_fields:
            assert_same(getattr(fast_value, name), getattr(model_value, name), f"{where}.{name}")
    elif isinstance(model_value, dict):
        assert type(fast_value) is dict and list(fast_value) == list(model_value), where
        for key, item in model_value.items():
            assert_same(fast_value[key], item, f"{where}.{key}")
    elif isinstance(model_value, (list, tuple)):
        assert type(fast_value) is type(model_value) and len(fast_value) == len(model_value), where
        for index, item in enumerate(model_value):
            assert_same(fast_value[index], item, f"{where}[{index}]")
    else:
        assert type(fast_value) is type(model_value), (where, fast_value, model_value)
        both_nan = isinstance(model_value, float) and math.isnan(model_value) and math.isnan(fast_value)
        assert both_nan or fast_value == model_value, (where, fast_value, model_value)


# --- the compiled form is current, and a stale one is not used ----------------------------------

def test_compiled_module_is_current():
    text = generator.generate()
    assert generator.TARGET.read_text(encoding="utf-8") == text, "regenerate: python -m archlint.language.compile"
    assert fast.usable()


def test_a_stale_table_is_not_used(monkeypatch, tmp_path):
    """A model edited after the table was generated: the table is not trusted, pydantic
    validates, and the findings are the same."""
    for name in fast.SOURCES:
        (tmp_path / name).write_bytes((Path(fast.__file__).parent / name).read_bytes())
    assert fast.sources_digest(str(tmp_path)) == fast.sources_digest()
    with open(tmp_path / "model.py", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    stale = fast.sources_digest(str(tmp_path))
    assert stale != fast.sources_digest()
    design = (ROOT / "examples" / "naive-shop.arch.yaml")
    data = read_source(str(design), Limits()).blocks[0].data
    fresh_findings = check_design(data, CATALOG)[2]
    monkeypatch.setattr(fast, "_state", {})
    monkeypatch.setattr(fast, "sources_digest", lambda folder=None: stale)
    assert not fast.usable()
    assert fast.validate(data) is None
    model, graph, findings = check_design(data, CATALOG)
    assert isinstance(model, BaseModel) and graph is not None  # pydantic's models, downstream alike
    assert findings == fresh_findings


# --- the contract on every design the project has -------------------------------------------------

def test_every_shipped_and_tested_design_validates_the_same_both_ways():
    assert len(BLOCKS) > 300  # examples, docs, templates, every rule fixture, test designs
    accepted = refused = 0
    for where, data in BLOCKS:
        model = pydantic_form(data) if isinstance(data, dict) else None
        plain = fast.validate(data)
        if model is None:
            assert plain is None, f"{where}: the fast path accepts what pydantic refuses"
            refused += 1
        else:
            assert plain is not None, f"{where}: the fast path gave up on a valid design"
            assert_same(plain, model, where)
            accepted += 1
    assert accepted > 500, (accepted, refused)


def test_every_bad_input_case_makes_the_fast_path_give_up():
    """The foundation's bad inputs (tests/test_bad_input.py) that reach validation."""
    from test_bad_input import CASES

    from archlint.input.load import source_from_text

    refused = 0
    for name, (text, *_place) in sorted(CASES.items()):
        for block in source_from_text(text, "design.arch.yaml", False, Limits()).blocks:
            if block.problem is None and pydantic_form(block.data) is None:
                assert fast.validate(block.data) is None, name
                refused += 1
    assert refused >= 15


@pytest.mark.parametrize("name", ["naive-shop.arch.yaml", "url-shortener.arch.yaml"])
def test_findings_are_the_same_from_either_form(monkeypatch, name):
    data = read_source(str(ROOT / "examples" / name), Limits()).blocks[0].data
    plain_run = check_design(data, CATALOG)
    monkeypatch.setattr(fast, "validate", lambda data: None)  # pydantic only
    model_run = check_design(data, CATALOG)
    assert isinstance(model_run[0], BaseModel) and not isinstance(plain_run[0], BaseModel)
    assert plain_run[2] == model_run[2]


def test_a_check_builds_no_pydantic_model_of_the_language():
    probe = ("import sys\nfrom archlint.cli import cli\n"
             "try:\n    cli.main(args=sys.argv[1:], prog_name='archlint', standalone_mode=False)\n"
             "except SystemExit:\n    pass\n"
             "print('MODELS=' + str('archlint.language.model' in sys.modules))\n")
    for name in ("naive-shop.arch.yaml", "url-shortener.arch.yaml"):
        out = subprocess.run([sys.executable, "-c", probe, "check", "--no-cache", str(ROOT / "examples" / name)],
                             capture_output=True, text=True, check=True).stdout
        assert out.splitlines()[-1] == "MODELS=False", name


# --- giving up -------------------------------------------------------------------------------------

BASE = {"archlint": 1, "name": "shop", "components": {
    "api": {"kind": "service", "replicas": 2, "calls": {"db": {"timeout": "50ms", "retries": 2}}},
    "db": {"kind": "database", "capacity": "500/s"}},
    "flows": {"buy": {"rate": "10/s", "steps": ["api -> db"]}}}


@pytest.mark.parametrize(("path", "value"), [
    (("components", "api", "replicas"), True),            # a bool where a number is due
    (("components", "api", "replicas"), 2.5),             # not whole
    (("components", "api", "replicas"), "2x"),            # a bad unit
    (("components", "api", "calls", "db", "retries"), -1),  # below 0
    (("components", "api", "stateless"), "yes"),          # YAML 1.1's true, text in 1.2
    (("components", "api", "stateless"), 1),              # 1 is not true
    (("components", "api", "timout"), "50ms"),            # an unknown key
    (("components", "api", "calls", "db", "timeout"), []),  # a list for a quantity
    (("components", "api", "calls"), "db"),               # text for edges
    (("components", "api", "kind"), "servise"),           # not a kind
    (("components", "db", "capacity"), "0/s"),           # serves nothing
    (("components", "db", "capacity"), None),            # null capacity
    (("components", "db", "autoscaling"), {"min": 3, "max": 2}),  # max below min
    (("flows", "buy", "steps"), []),                      # no step
    (("flows", "buy", "steps"), ["api"]),                 # not a chain
    (("flows", "buy", "steps"), [{"parallel": ["api -> db"]}]),  # a group of one
    (("flows", "buy", "steps"), ["api -> -> db"]),        # a hop with no id
    (("components", "api", "zones"), ["a", 3]),           # a number among zone names
    (("components", "api", "data"), ["pii", ["nested"]]),  # a list among data classes
    (("archlint",), True),                                # true is not version 1
    (("archlint",), 2),
    (("name",), {"a": "b"}),                              # a map for text
    ((3,), "x"),                                          # a key that is not text
])
def test_the_fast_path_gives_up_where_pydantic_refuses(path, value):
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert pydantic_form(data) is None
    assert fast.validate(data) is None


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("components", "db", "queue"), {"dlq": 0}, False),   # pydantic reads 0 as false here: not sure, give up
    (("archlint",), 1.0, 1),                              # pydantic takes 1.0 for version 1
])
def test_the_fast_path_gives_up_on_what_it_is_not_sure_of(path, value, expected):
    data = copy.deepcopy(BASE)
    data[path[0]] = data.get(path[0]) if len(path) > 1 else value
    if len(path) > 1:
        data[path[0]][path[1]][path[2]] = value
    model = pydantic_form(data)
    assert model is not None
    assert fast.validate(data) is None


def test_chains_split_at_arrows_whatever_the_white_space():
    data = copy.deepcopy(BASE)
    data["flows"]["buy"]["steps"] = [" api\t->\u00a0db ", {"api->db": "20%"}, {"api  ->  db": "20%"}]
    plain = fast.validate(data)
    assert plain is not None
    assert [step.chain for step in plain.flows["buy"].steps] == [("api", "db")] * 3
    assert [step.share for step in plain.flows["buy"].steps] == [1.0, 0.2, 0.2]
    assert_same(plain, pydantic_form(data))


def test_x_keys_are_dropped_and_not_counted_as_written():
    data = copy.deepcopy(BASE)
    data["x-owner"] = {"team": "payments"}
    data["components"]["api"]["x-note"] = [1, 2]
    plain, model = fast.validate(data), pydantic_form(data)
    assert plain is not None
    assert_same(plain, model)
    assert "x-owner" not in plain.model_fields_set


def test_quantities_come_out_in_base_units():
    plain = fast.validate(BASE)
    assert plain.components["api"].calls["db"].timeout == 0.05  # 50 ms in seconds
    assert plain.components["api"].calls["db"].retries.max == 2  # a bare number is `max`
    assert plain.components["db"].capacity.read == plain.components["db"].capacity.write == 500.0
    assert plain.components["db"].capacity.model_fields_set == {"read", "write"}
    assert plain.flows["buy"].rate == 10.0
    assert plain.flows["buy"].chains()[0].chain == ("api", "db")


# --- the property: fast accepts => pydantic accepts, with equal values -----------------------------

_WRONG = st.one_of(st.booleans(), st.none(), st.integers(-3, 3), st.floats(allow_nan=False), st.just(1.0),
                   st.text(max_size=4), st.sampled_from(["10ms", "5/s", "2KB", "99%", "3", "1e3", "yes", "x-"]),
                   st.just([]), st.just({}), st.just(["a"]), st.just({"a": 1}), st.just(0))
_KEYS = st.sampled_from(["x-mine", "timout", "kind", "max", "chain", "parallel", "<<", "reason", "read", "min"])


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    places = [path]
    if isinstance(node, dict):
        for key, item in node.items():
            places += _places(item, path + (key,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            places += _places(item, path + (index,))
    return places


@st.composite
def mutated_designs(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(designs(max_components=5)))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(_places(data)))
        if not place:
            continue
        parent = data
        for key in place[:-1]:
            parent = parent[key]
        how = draw(st.integers(0, 3))
        if how == 0 and isinstance(parent, dict):  # an extra key next to it
            parent[draw(_KEYS)] = copy.deepcopy(draw(_WRONG))  # st.just's object is shared between draws
        elif how == 1 and isinstance(parent, dict):  # the key gone
            del parent[place[-1]]
        elif how == 2 and isinstance(parent[place[-1]], list):  # a list written as a map, and back
            parent[place[-1]] = {str(index): item for index, item in enumerate(parent[place[-1]])}
        else:
            parent[place[-1]] = copy.deepcopy(draw(_WRONG))
    return data


# A fixed sample in the default run (derandomized), as tests/test_fuzz.py does;
# ARCHLINT_FUZZ_SCALE=10 runs ten times as many.
def _sample(examples: int) -> settings:
    return settings(max_examples=int(examples * float(os.environ.get("ARCHLINT_FUZZ_SCALE", "1"))), deadline=None,
                    derandomize=True, database=None, suppress_health_check=list(HealthCheck), print_blob=True)


@_sample(300)
@given(data=mutated_designs())
def test_fast_accepts_only_what_pydantic_accepts_with_equal_values(data):
    plain = fast.validate(data)
    if plain is not None:
        model = pydantic_form(data)
        assert model is not None, "the fast path accepted what pydantic refuses"
        assert_same(plain, model)


@_sample(100)
@given(data=designs(max_components=6))
def test_valid_designs_take_the_fast_path(data):
    plain = fast.validate(data)
    model = pydantic_form(data)
    assert model is not None and plain is not None
    assert_same(plain, model)


@pytest.mark.parametrize(("path", "value"), [
    (("observability",), {"metrics": 5, "logs": True, "tracing": None}),  # a number as text, a bool, null
    (("components", "api", "zones"), "3"),                # a whole number written as text
    (("components", "api", "zones"), ["a", "b"]),         # or a list of zone names
    (("components", "db", "backups"), False),             # false, not a Backups map
    (("components", "db", "queue"), {"dlq": "db", "partitions": "1k"}),
    (("components", "api", "calls"), ["db"]),             # an edge list without properties
    (("flows", "buy", "payload"), {"db": "2KB"}),
    (("flows", "buy", "steps"), [{"parallel": ["api -> db", {"api -> db": "10%"}]},
                                 {"chain": "api -> db", "op": "write", "x-why": "audit"}]),
    (("lint",), {"ignore": {"ARC001": "small on purpose", "OBS001": {"reason": "later", "until": "2030-01-31"}},
                 "options": {"ARC001": {"engineers_per_service": 3}}}),
])
def test_the_fast_path_takes_each_form_pydantic_takes(path, value):
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    model, plain = pydantic_form(data), fast.validate(data)
    assert model is not None and plain is not None
    assert_same(plain, model)


def test_the_generator_marks_what_it_does_not_know():
    """A construct the table cannot express becomes `giveup`: a value there goes to pydantic."""
    from typing import Annotated, Optional

    from pydantic import AfterValidator, BeforeValidator, ConfigDict, field_validator

    walk = generator._Walk()
    assert walk.spec(set[int]) == ["giveup"]
    assert walk.spec(Annotated[int, BeforeValidator(lambda value: value)]) == ["giveup"]  # a parser without a name
    assert walk.spec(Annotated[int, AfterValidator(lambda value: value)]) == ["giveup"]
    assert walk.spec(Optional[Annotated[float, BeforeValidator(lambda value: value)]]) == \
        ["union", "smart", [["giveup"], ["none"]]]

    class Checked(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        size: int

        @field_validator("size")
        @classmethod
        def _small(cls, value: int) -> int:
            return value

    walk.model(Checked)
    assert walk.models["Checked"]["giveup"] is True
    compiler = fast._Compiler({"Checked": walk.models["Checked"]}, {"Checked": object})
    with pytest.raises(fast.GiveUp):
        compiler.model("Checked")({"size": 1})
