"""The pure formulas, without a database (STYLE.md 5)."""

from decimal import Decimal

import pytest

from motcua.insights.indicators import (
    WEIGHTS,
    AgencyBand,
    Counts,
    Group,
    IndicatorSet,
    OfficerBand,
    agency_band,
    group_scores,
    officer_band,
    rate,
    ratio,
)


def D(text):
    return Decimal(text)


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        (1, 3, D("33.33")),
        (2, 3, D("66.67")),
        (1, 8, D("12.50")),
        # 12.345% rounds half up to 12.35 (banker's rounding would give 12.34).
        (12345, 100000, D("12.35")),
        (1, 400, D("0.25")),
        (1, 800, D("0.13")),  # 0.125 → 0.13, half up
        (0, 5, D("0.00")),
        (5, 5, D("100.00")),
    ],
)
def test_rates_are_percentages_rounded_half_up_to_two_decimals(num, den, expected):
    assert rate(num, den) == expected


def test_a_zero_denominator_is_not_applicable():
    assert rate(0, 0) is None
    assert ratio(10, 0) is None


def test_ratio_rounds_half_up():
    assert ratio(1285200, 5 * 86400) == D("2.98")  # 2.975 exactly
    assert ratio(7, 2) == D("3.50")


def test_the_766_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100
    assert WEIGHTS[Group.DIGITISATION] == 22


def test_group_scores_scale_up_to_their_thresholds():
    scores = group_scores(
        on_time_rate=D("90.00"),
        online_share=D("25.00"),  # half of the 50% threshold → 6 of 12
        online_payment_share=D("60.00"),  # above 50% → full 10
        satisfaction=D("90.00"),  # 18 × 0.9 = 16.2
        digitisation_share=D("40.00"),  # half of 80% → 0.5
        electronic_result_share=D("100.00"),  # full → 1.0; mean 0.75 × 22 = 16.5
    )
    assert scores.scores == {
        Group.PUBLICITY: None,
        Group.PROGRESS: D("18.00"),
        Group.ONLINE: D("6.00"),
        Group.PAYMENT: D("10.00"),
        Group.SATISFACTION: D("16.20"),
        Group.DIGITISATION: D("16.50"),
    }
    assert scores.total == D("66.70")
    assert scores.measured_max == 82  # publicity (18) is not measured
    assert scores.normalised == D("81.34")  # 66.70 × 100 / 82 = 81.341…


def test_groups_without_data_are_left_out():
    scores = group_scores(
        on_time_rate=None,
        online_share=None,
        online_payment_share=None,
        satisfaction=None,
        digitisation_share=None,
        electronic_result_share=None,
    )
    assert scores.total is None
    assert scores.normalised is None
    assert scores.measured_max == 0


@pytest.mark.parametrize(
    ("score", "band", "completion"),
    [
        (D("10.00"), OfficerBand.FULL, D("100")),
        (D("5.00"), OfficerBand.FULL, D("100")),
        (D("4.99"), OfficerBand.GOOD, D("99.80")),
        (D("3.50"), OfficerBand.GOOD, D("70.00")),
        (D("3.49"), OfficerBand.BELOW, D("69.80")),
        (D("0.00"), OfficerBand.BELOW, D("0.00")),
        (None, None, None),
    ],
)
def test_officer_bands_of_circular_01_2018(score, band, completion):
    assert officer_band(score) == (band, completion)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (D("18.00"), AgencyBand.EXCELLENT),
        (D("15.00"), AgencyBand.EXCELLENT),
        (D("14.99"), AgencyBand.GOOD),
        (D("12.00"), AgencyBand.GOOD),
        (D("11.99"), AgencyBand.FAIR),
        (D("9.00"), AgencyBand.FAIR),
        (D("8.99"), AgencyBand.AVERAGE),
        (D("6.00"), AgencyBand.AVERAGE),
        (D("5.99"), AgencyBand.WEAK),
        (None, None),
    ],
)
def test_agency_bands_of_circular_01_2018(score, band):
    assert agency_band(score) == band


def test_an_indicator_set_from_hand_counts():
    c = Counts(
        received=7,
        received_online=1,
        carried_over=1,
        finished_early=2,
        finished_on_time=1,
        finished_late=2,
        withdrawn=1,
        in_progress=2,
        in_progress_late=1,
        processing_seconds=1285200,
        fee_bearing=2,
        paid_online=1,
        digitised=1,
        electronic_result=5,
        one_supplement=1,
        more_supplements=1,
    )
    i = IndicatorSet.from_counts(c)
    assert i.handled == 8
    assert i.finished == 5
    assert i.in_progress_on_time == 1
    # (2 early + 1 on time + 1 in progress on time) / (5 finished + 2 in progress)
    assert i.on_time_rate == D("57.14")
    assert i.late_rate == D("42.86")
    assert i.satisfaction == D("57.14")
    assert i.online_share == D("14.29")
    assert i.online_payment_share == D("50.00")
    assert i.digitisation_share == D("20.00")
    assert i.electronic_result_share == D("100.00")
    assert i.average_processing_days == D("2.98")
    assert i.sipas_satisfaction is None
    # Circular 01/2018, per finished dossier (5): c1 = 2·2 + 1 = 5; c2 = 2·5 = 10;
    # c3 = 2·(5 − 1 − 1) + 1 = 7; c4 = 10; c7 = 10 → (5 + 10 + 7 + 10 + 10) / 5 = 8.40.
    assert i.officer_score == D("8.40")
    assert i.officer_band == OfficerBand.FULL
    # Agency: + c6 = 10 → 52 / 5 = 10.40, + c5 2 + c8 2 + c9 1 (online 14.29% > 0) = 15.40.
    assert i.agency_score == D("15.40")
    assert i.agency_band == AgencyBand.EXCELLENT


def test_an_empty_slice_is_all_not_applicable():
    i = IndicatorSet.from_counts(Counts())
    assert i.on_time_rate is None
    assert i.online_share is None
    assert i.average_processing_days is None
    assert i.officer_score is None
    assert i.agency_band is None
