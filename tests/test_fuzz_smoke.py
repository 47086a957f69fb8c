"""A small, deterministic sample of mutated designs: every outcome is a clean result
or positioned findings, never an exception, and no rule crashes (ENG001) on them."""

import random

import pytest

from archlint.catalog import load_catalog
from archlint.check import check_file
from archlint.load import Limits
from conftest import DATA, EXAMPLES

SEEDS = [EXAMPLES / "url-shortener.arch.yaml", DATA / "every-field.arch.yaml", EXAMPLES / "rfc-order-service.md"]
VALUES = ["null", "~", "[]", "{}", "-1", "0", "1e308", "99999999999999999999999", "true", "yes", '"x"', "[a, b]",
          "{a: 1}", "150%", "ü", "\u202e", "1/s", "0ms", "-5ms", ".nan", "1:0", "x -> y", "!!str 5", "&a x", "*a"]


def mutate(text: str, rng: random.Random) -> bytes:
    lines = text.split("\n")
    op = rng.randrange(6)
    if op == 0:
        return text[: rng.randrange(len(text))].encode()
    if op == 1:
        del lines[rng.randrange(len(lines))]
    elif op == 2:
        lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
    elif op == 3:
        for _ in range(rng.randrange(1, 4)):
            index = rng.randrange(len(lines))
            if ":" in lines[index]:
                lines[index] = lines[index].partition(":")[0] + ": " + rng.choice(VALUES)
    elif op == 4:
        raw = bytearray(text.encode())
        raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    else:
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("seed", range(6))
def test_mutations_give_findings_not_exceptions(tmp_path, seed):
    rng = random.Random(seed)
    catalog = load_catalog()
    for case in range(60):
        source = SEEDS[case % len(SEEDS)]
        path = tmp_path / source.name
        path.write_bytes(mutate(source.read_text(), rng))
        result = check_file(str(path), source.name, Limits(), catalog)
        for finding in result.findings:
            assert finding.line >= 1 and finding.column >= 1, finding
            assert finding.code != "ENG001", finding.message
            assert finding.severity in ("error", "warning", "info")
