import pytest

from archlint.input.units import (
    UnitError,
    format_rate,
    format_size,
    parse_count,
    parse_duration,
    parse_percent,
    parse_rate,
    parse_ratio,
    parse_size,
)


@pytest.mark.parametrize(
    "text, expected",
    [(6, 6), ("6", 6), ("20M", 20e6), ("1.5B", 1.5e9), ("100k", 100e3), ("100K", 100e3), (0, 0)],
)
def test_counts(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text, per_second",
    [
        ("1000/s", 1000),
        ("2k/min", 2000 / 60),
        ("50/h", 50 / 3600),
        ("100M/day", 100e6 / 86400),
        ("10B/month", 10e9 / (30 * 86400)),
        ("300 rps", 300),
        ("1.5k / s", 1500),
    ],
)
def test_rates_are_per_second(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize(
    "text, seconds",
    [("20ms", 0.02), ("2s", 2), ("5m", 300), ("24h", 86400), ("30d", 30 * 86400), ("5y", 5 * 365 * 86400)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text, size",
    [("500B", 500), ("2KB", 2000), ("10MB", 10e6), ("1.5TB", 1.5e12), ("4GiB", 4 * 1024**3), ("2KiB", 2048)],
)
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize(
    "text, fraction", [("99.95%", 0.9995), (0.9995, 0.9995), ("10%", 0.1), (1, 1.0), ("100%", 1.0)]
)
def test_percents(text, fraction):
    assert parse_percent(text) == pytest.approx(fraction)


def test_ratio():
    assert parse_ratio("100:1") == 100
    assert parse_ratio("1:4") == 0.25
    assert parse_ratio(10) == 10


@pytest.mark.parametrize(
    "parser, text, says",
    [
        (parse_count, "20m", "lower-case 'm' is ambiguous"),
        (parse_count, "-3", "negative"),
        (parse_count, "lots", "6, 100k, 20M, 1.5B"),
        (parse_rate, 1000, "no unit"),
        (parse_rate, "1000", "no unit"),
        (parse_rate, "5/week", "unknown period '/week'"),
        (parse_duration, 5, "no unit"),
        (parse_duration, "5 parsecs", "unknown unit 'parsecs'"),
        (parse_size, "5 parsecs", "500B, 2KB"),
        (parse_size, "2kb", "did you mean KB"),
        (parse_percent, "150%", "above 100%"),
        (parse_percent, 99.95, "ambiguous"),
        (parse_ratio, "1:0", "100:1"),
    ],
)
def test_errors_name_the_accepted_forms(parser, text, says):
    with pytest.raises(UnitError) as error:
        parser(text)
    assert says in str(error.value)


def test_format_rate_is_short():
    assert format_rate(11574.07) == "11.6k/s"


def test_a_tiny_rate_keeps_its_digits_rather_than_reading_zero():
    # 2/day = 2 ÷ 86,400 s = 0.0000231/s (three significant digits), not "0/s".
    assert format_rate(2 / 86400) == "0.0000231/s"
    assert format_rate(0) == "0/s"
    assert format_rate(0.0278) == "0.0278/s"


def test_a_rate_past_999_billion_keeps_its_power_of_ten():
    # 1,009,000,000,000/s was printed "1009B/s", which reads as bytes per second and
    # cannot be counted at a glance; three digits and the power of ten: 1.01e12/s.
    assert format_rate(1009e9) == "1.01e12/s"
    assert format_rate(999e9) == "999B/s"
    # 999.6B rounds to 1000 at three digits: the next form up, never "1000B".
    assert format_rate(999.6e9) == "1e12/s"


def test_a_size_past_999_petabytes_keeps_its_power_of_ten():
    # 999B/s × 999PB = 999e9 × 999e15 = 998,001e24 = 9.98e29 bytes per second.
    assert format_size(999e9 * 999e15) == "9.98e29B"
    assert format_size(999e15) == "999PB"
    assert format_size(3.04e12) == "3.04TB"
