"""Quantities with units: counts, rates, durations, sizes, percents and ratios.

One table-driven parser per type. Each returns a float in a base unit (requests per
second, seconds, bytes, a fraction) or raises `UnitError`, whose message names the
accepted forms so that a user can fix the value without opening the docs.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "SECONDS_PER_MONTH",
    "UnitError",
    "format_count",
    "format_duration",
    "format_percent",
    "format_rate",
    "format_size",
    "parse_count",
    "parse_duration",
    "parse_percent",
    "parse_rate",
    "parse_ratio",
    "parse_size",
    "rate_parts",
]


class UnitError(ValueError):
    """A value that is not a valid quantity of the expected type."""


SECONDS_PER_DAY = 86_400.0
SECONDS_PER_MONTH = 30 * SECONDS_PER_DAY  # the language defines a month as 30 days
SECONDS_PER_YEAR = 365 * SECONDS_PER_DAY

COUNT_SUFFIXES = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9}
RATE_PERIODS = {
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "day": SECONDS_PER_DAY,
    "month": SECONDS_PER_MONTH,
}
DURATION_UNITS = {
    "ms": 0.001,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": SECONDS_PER_DAY,
    "y": SECONDS_PER_YEAR,
}
SIZE_UNITS = {
    "B": 1.0,
    "KB": 1e3,
    "MB": 1e6,
    "GB": 1e9,
    "TB": 1e12,
    "PB": 1e15,
    "KiB": 1024.0,
    "MiB": 1024.0**2,
    "GiB": 1024.0**3,
    "TiB": 1024.0**4,
    "PiB": 1024.0**5,
}

_NUMBER = r"(?P<num>\d+(?:\.\d+)?|\.\d+)"
_COUNT_RE = re.compile(rf"^{_NUMBER}\s*(?P<suffix>[kKMB]?)$")
_RATE_RE = re.compile(rf"^{_NUMBER}\s*(?P<suffix>[kKMB]?)\s*(?:/\s*(?P<per>[a-z]+)|(?P<rps>rps))$")
_DURATION_RE = re.compile(rf"^{_NUMBER}\s*(?P<unit>[a-zA-Z]+)$")
_SIZE_RE = re.compile(rf"^{_NUMBER}\s*(?P<unit>[a-zA-Z]+)$")
_PERCENT_RE = re.compile(rf"^{_NUMBER}\s*%$")

COUNT_FORMS = "a number with an optional k, M or B suffix (6, 100k, 20M, 1.5B)"
RATE_FORMS = "a count per period: 1000/s, 2k/min, 50/h, 100M/day, 10B/month, or 300 rps"
DURATION_FORMS = "a number with a unit: 20ms, 2s, 5m, 24h, 30d, 5y"
SIZE_FORMS = "a number with a unit: 500B, 2KB, 10MB, 1.5TB, 4GiB (KB = 1000 B, KiB = 1024 B)"
PERCENT_FORMS = "a percent such as 99.95% or a fraction between 0 and 1 such as 0.9995"
RATIO_FORMS = "two counts separated by a colon, such as 100:1, or one number (100 means 100:1)"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# The range of a quantity other than 0, in base units (per second, seconds, bytes):
# wider than any real system, and narrow enough that the figures, which multiply three
# or four quantities and divide by others, never overflow a float.
LARGEST = 1e18
SMALLEST = 1e-12
_BASE_UNITS = {"count": "", "ratio": "", "rate": "/s", "duration": " s", "size": " B"}


def _in_range(number: float, value: object, kind: str, forms: str) -> float:
    unit = _BASE_UNITS[kind]
    if not math.isfinite(number) or number > LARGEST:
        raise UnitError(f"{_show(value)} is too large: a {kind} goes up to 1e18{unit}; write {forms}")
    if 0 < number < SMALLEST:
        raise UnitError(f"{_show(value)} is too small: a {kind} other than 0 is at least 1e-12{unit}; write {forms}")
    return number


def _as_float(value: object) -> float:
    """A YAML integer may have any number of digits; past float's range it is infinite."""
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def _count_from_match(match: re.Match[str]) -> float:
    return float(match["num"]) * COUNT_SUFFIXES[match["suffix"]]


def parse_count(value: object) -> float:
    """`6`, `20M`, `1.5B`, `100k` -> a non-negative number."""
    if _is_number(value):
        if value < 0:  # type: ignore[operator]
            raise UnitError(f"{_show(value)} is negative; a count is 0 or more")
        return _in_range(_as_float(value), value, "count", COUNT_FORMS)
    if isinstance(value, str):
        text = value.strip()
        match = _COUNT_RE.match(text)
        if match:
            return _in_range(_count_from_match(match), value, "count", COUNT_FORMS)
        if re.match(rf"^{_NUMBER}\s*m$", text):
            raise UnitError(
                f"{_show(value)} is not a count: a lower-case 'm' is ambiguous (minutes? milli?); "
                f"write M for million, as in {text[:-1].strip()}M"
            )
        if text.startswith("-"):
            raise UnitError(f"{_show(value)} is negative; a count is 0 or more")
    raise UnitError(f"{_show(value)} is not a count; write {COUNT_FORMS}")


def parse_rate(value: object) -> float:
    """`1000/s`, `2k/min`, `10B/month`, `300 rps` -> requests per second."""
    if _is_number(value):
        raise UnitError(
            f"{_show(value)} has no unit; a rate needs a period, as in {value}/s or {value}/day "
            f"({RATE_FORMS})"
        )
    if isinstance(value, str):
        text = value.strip()
        match = _RATE_RE.match(text)
        if match:
            count = _in_range(_count_from_match(match), value, "rate", RATE_FORMS)
            if match["rps"]:
                return count
            period = RATE_PERIODS.get(match["per"])
            if period is not None:
                return _in_range(count / period, value, "rate", RATE_FORMS)
            raise UnitError(
                f"{_show(value)} has an unknown period '/{match['per']}'; "
                f"use /s, /min, /h, /day or /month ({RATE_FORMS})"
            )
        if _COUNT_RE.match(text):
            raise UnitError(
                f"{_show(value)} has no unit; a rate needs a period, as in {text}/s ({RATE_FORMS})"
            )
    raise UnitError(f"{_show(value)} is not a rate; write {RATE_FORMS}")


def rate_parts(text: str) -> tuple[float, float, str] | None:
    """`10B/month` -> (10e9, 2592000.0, "month"): the count, the period in seconds and its
    name, for showing the arithmetic; None when `text` is not a rate."""
    match = _RATE_RE.match(text.strip())
    if not match:
        return None
    count = _count_from_match(match)
    if match["rps"]:
        return count, 1.0, "s"
    period = RATE_PERIODS.get(match["per"])
    return None if period is None else (count, period, match["per"])


def parse_duration(value: object) -> float:
    """`20ms`, `2s`, `5m`, `24h`, `30d`, `5y` -> seconds. Bare numbers are refused."""
    if _is_number(value):
        raise UnitError(f"{_show(value)} has no unit; write {DURATION_FORMS}")
    if isinstance(value, str):
        match = _DURATION_RE.match(value.strip())
        if match:
            unit = DURATION_UNITS.get(match["unit"])
            if unit is not None:
                return _in_range(float(match["num"]) * unit, value, "duration", DURATION_FORMS)
            raise UnitError(
                f"{_show(value)} has an unknown unit '{match['unit']}'; "
                f"use ms, s, m, h, d or y ({DURATION_FORMS})"
            )
    raise UnitError(f"{_show(value)} is not a duration; write {DURATION_FORMS}")


def parse_size(value: object) -> float:
    """`500B`, `2KB`, `4GiB` -> bytes. Units are case-sensitive."""
    if _is_number(value):
        raise UnitError(f"{_show(value)} has no unit; write {SIZE_FORMS}")
    if isinstance(value, str):
        match = _SIZE_RE.match(value.strip())
        if match:
            unit = SIZE_UNITS.get(match["unit"])
            if unit is not None:
                return _in_range(float(match["num"]) * unit, value, "size", SIZE_FORMS)
            hint = ""
            for known in SIZE_UNITS:
                if known.lower() == match["unit"].lower():
                    hint = f" (units are case-sensitive: did you mean {known}?)"
                    break
            raise UnitError(
                f"{_show(value)} has an unknown unit '{match['unit']}'{hint}; write {SIZE_FORMS}"
            )
    raise UnitError(f"{_show(value)} is not a size; write {SIZE_FORMS}")


def parse_percent(value: object) -> float:
    """`99.95%` or `0.9995` -> a fraction in [0, 1]."""
    if _is_number(value):
        number = _as_float(value)
        if 0.0 <= number <= 1.0:
            return number
        if 1.0 < number <= 100.0:
            raise UnitError(
                f"{_show(value)} is ambiguous; write {number:g}% for a percent, "
                f"or a fraction between 0 and 1"
            )
        raise UnitError(f"{_show(value)} is outside 0-100%; write {PERCENT_FORMS}")
    if isinstance(value, str):
        text = value.strip()
        match = _PERCENT_RE.match(text)
        if match:
            number = float(match["num"])
            if number > 100.0:
                raise UnitError(f"{_show(value)} is above 100%; write {PERCENT_FORMS}")
            # The fraction of the digits as written: 99.9% is 0.999, where 99.9 / 100 is
            # 0.9990000000000001 (a target tools read in the JSON reports).
            return float(match["num"] + "e-2")
    raise UnitError(f"{_show(value)} is not a percent; write {PERCENT_FORMS}")


def parse_ratio(value: object) -> float:
    """`100:1` -> 100.0; a bare number N means N:1."""
    if _is_number(value):
        if value <= 0:  # type: ignore[operator]
            raise UnitError(f"{_show(value)} is not a ratio; write {RATIO_FORMS}")
        return _in_range(_as_float(value), value, "ratio", RATIO_FORMS)
    if isinstance(value, str):
        parts = value.split(":")
        if len(parts) == 2:
            try:
                left, right = parse_count(parts[0]), parse_count(parts[1])
            except UnitError:
                pass
            else:
                if right > 0 and left > 0:
                    return _in_range(left / right, value, "ratio", RATIO_FORMS)
    raise UnitError(f"{_show(value)} is not a ratio; write {RATIO_FORMS}")


# Formatting, for messages and `estimate` tables: short, human, stable.

def _trim(number: float, digits: int = 3) -> str:
    text = f"{number:.{digits}g}"
    if "e" in text:
        if 0 < abs(number) < 1:
            # A tiny figure (2/day is 0.0000231/s) keeps its digits rather than reading 0.
            decimals = digits - 1 - math.floor(math.log10(abs(number)))
            return f"{number:.{decimals}f}"
        text = f"{number:.0f}"
    return text


def _scientific(number: float) -> str:
    """1.01e12: past the largest suffix a figure keeps three digits and its power of
    ten, never a run of digits ("1009B/s") that reads as bytes or cannot be counted."""
    mantissa, _, exponent = f"{number:.3g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def _past(number: float, scale: float) -> bool:
    """Whether `number` in `scale` rounds to 1000 or more at three digits."""
    return abs(float(f"{number / scale:.3g}")) >= 1000


def format_count(number: float) -> str:
    if abs(number) >= 1e9 and _past(number, 1e9):
        return _scientific(number)
    for suffix, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(number) >= scale:
            return _trim(number / scale) + suffix
    return _trim(number)


def format_rate(per_second: float) -> str:
    return f"{format_count(per_second)}/s"


def format_duration(seconds: float) -> str:
    for unit, scale in (("y", SECONDS_PER_YEAR), ("d", SECONDS_PER_DAY), ("h", 3600.0), ("m", 60.0), ("s", 1.0)):
        if abs(seconds) >= scale:
            return _trim(seconds / scale) + unit
    return _trim(seconds * 1000) + "ms"


def format_size(num_bytes: float) -> str:
    if abs(num_bytes) >= SIZE_UNITS["PB"] and _past(num_bytes, SIZE_UNITS["PB"]):
        return _scientific(num_bytes) + "B"
    for unit in ("PB", "TB", "GB", "MB", "KB"):
        scale = SIZE_UNITS[unit]
        if abs(num_bytes) >= scale:
            return _trim(num_bytes / scale) + unit
    return _trim(num_bytes) + "B"


def format_percent(fraction: float) -> str:
    """Enough decimals to show the first digit that is not a 9 (99.99999%, never a
    rounded 100% for a figure below 1), at least two: 10%, 99.95%, 99.4%. Never
    rounded up onto a rounder figure: 99.89974% is 99.899%, not 99.9%. A tiny share
    is never 0%: 0.00001%."""
    if fraction >= 1.0:
        return "100%"
    gap = 1.0 - fraction
    decimals = 2 if gap >= 0.1 else max(2, min(9, math.ceil(-math.log10(gap))))
    pct = fraction * 100
    text = f"{pct:.{decimals}f}"
    if text.endswith("00") and float(text) - pct > 10 ** -(decimals + 3):
        # Rounding up carried into the nines (99.89974 -> 99.900, shown as 99.9%): the
        # figure would read as the round target it misses. Cut it instead, so that the
        # gap to 100% keeps two significant digits (99.899%).
        text = f"{math.floor(pct * 10**decimals) / 10**decimals:.{decimals}f}"
    if fraction > 0 and float(text) == 0:
        # A share of 0.00001% would read 0% and a formula "1 − 0% × (1 − a)" would
        # not multiply out to its result: a tiny figure keeps its digits.
        return _trim(pct).rstrip("0").rstrip(".") + "%"
    return text.rstrip("0").rstrip(".") + "%"
