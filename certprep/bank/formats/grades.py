"""Moodle's list of allowed grades, which GIFT and Moodle XML files must both keep to.

Moodle (question_bank::fraction_options_full) accepts these percentages and their
negatives, compared with a tolerance of 1e-5 on the fraction.
"""

# Written as Moodle stores them (fractions), so a snapped grade equals Moodle's value.
_LIST = (
    "1.0 0.9 0.8333333 0.8 0.75 0.7 0.6666667 0.6 0.5 0.4 0.3333333 "
    "0.3 0.25 0.2 0.1666667 0.1428571 0.125 0.1111111 0.1 0.05 0.0"
)
TOLERANCE = 1e-5
FRACTIONS = tuple(sorted({sign * float(value) for value in _LIST.split() for sign in (1, -1)}))


def snap(fraction: float) -> float | None:
    """The allowed grade this fraction stands for, or None when Moodle would refuse it."""
    for grade in FRACTIONS:
        if abs(fraction - grade) <= TOLERANCE:
            return grade
    return None


def nearest(fraction: float) -> list[float]:
    """The allowed grades just below and just above a refused fraction."""
    below = [g for g in FRACTIONS if g < fraction]
    above = [g for g in FRACTIONS if g > fraction]
    return below[-1:] + above[:1]


def allowed_percentages() -> str:
    """The list for an error message: '100, 90, 83.33333, ... 0'."""
    return ", ".join(as_percent(g) for g in reversed(FRACTIONS) if g >= 0)


def as_percent(fraction: float) -> str:
    """A fraction as the percentage Moodle writes, e.g. 0.3333333 -> '33.33333'."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
