"""The indicator formulas: pure arithmetic over counts. Imports nothing from Django.

Every figure shown on a dashboard, exported to Excel or printed on the public page is
computed here from a ``Counts`` (additive counters summed over the daily facts, plus the
three stock figures at the period's ends). ``docs/indicators.md`` defines each one and
names its legal source:

* Decision 766/QD-TTg (2022): the service-quality index, its six groups and weights;
* Circular 01/2018/TT-VPCP art. 13–15: the nine 0/1/2-point criteria, the officer
  (max 10) and agency (max 18) scores and their bands;
* SIPAS (Ministry of Home Affairs): satisfaction as the share satisfied or very satisfied.

Rates are percentages rounded to 2 decimals **half up** (``ROUND_HALF_UP``: 12.345 →
12.35, as a person rounds on paper, not banker's rounding), computed in ``Decimal`` from
the exact integer ratio so that no binary floating point error decides a rounding. A zero
denominator gives ``None``, shown "N/A" (RULES.md, Decision 766).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a percentage, 2 decimals half up; None when the
    denominator is zero."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


def ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """A plain quotient rounded to 2 decimals half up (averages, scores)."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# -- the counters ---------------------------------------------------------------------------


@dataclass
class Counts:
    """Additive counters for one slice (unit × procedure × officer × channel × period).

    Flows are summed over the days of the period; ``carried_over`` is the stock of
    dossiers in progress at the end of the day before the period, ``in_progress`` and
    ``in_progress_late`` the stock at the end of its last day.
    """

    received: int = 0
    received_online: int = 0
    refused: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    rejected: int = 0
    returned: int = 0
    withdrawn: int = 0
    stopped: int = 0
    apologies: int = 0
    processing_seconds: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    digitised: int = 0
    electronic_result: int = 0
    unit_late: int = 0
    one_supplement: int = 0
    more_supplements: int = 0
    carried_over: int = 0
    in_progress: int = 0
    in_progress_late: int = 0
    # Not recorded yet (no complaint or rating data in the system): always 0 until the
    # ratings app feeds them; see docs/indicators.md.
    complaints: int = 0
    rated: int = 0
    satisfied: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    @property
    def finished(self) -> int:
        return self.finished_early + self.finished_on_time + self.finished_late


# -- Decision 766 ------------------------------------------------------------------------------


class Group(StrEnum):
    PUBLICITY = "publicity"
    PROGRESS = "progress"
    ONLINE = "online"
    PAYMENT = "payment"
    SATISFACTION = "satisfaction"
    DIGITISATION = "digitisation"


# Decision 766/QD-TTg: the six groups and their points (total 100).
WEIGHTS: dict[Group, int] = {
    Group.PUBLICITY: 18,
    Group.PROGRESS: 20,
    Group.ONLINE: 12,
    Group.PAYMENT: 10,
    Group.SATISFACTION: 18,
    Group.DIGITISATION: 22,
}

# The value (a percentage) at or above which a group gets full marks; below it the
# points are proportional (points = weight × value / threshold). RULES.md gives online
# share ≥ 50% and digitisation ≥ 80% as examples; the others are our reading (100%
# on time, 100% satisfied) or unconfirmed (online payment 50%): configurable here, and
# listed in docs/indicators.md.
FULL_MARKS: dict[str, Decimal] = {
    "on_time_rate": Decimal(100),
    "online_share": Decimal(50),
    "online_payment_share": Decimal(50),
    "satisfaction": Decimal(100),
    "digitisation_share": Decimal(80),
    "electronic_result_share": Decimal(80),
}


def _scaled(weight: int, value: Decimal | None, threshold: Decimal) -> Decimal | None:
    if value is None:
        return None
    return Decimal(weight) * min(Decimal(1), value / threshold)


@dataclass(frozen=True)
class GroupScores:
    """The 766 group scores; a group with no data (N/A) is left out of ``measured_max``."""

    scores: dict[Group, Decimal | None]

    @property
    def total(self) -> Decimal | None:
        values = [v for v in self.scores.values() if v is not None]
        return round2(sum(values, Decimal(0))) if values else None

    @property
    def measured_max(self) -> int:
        return sum(WEIGHTS[g] for g, v in self.scores.items() if v is not None)

    @property
    def normalised(self) -> Decimal | None:
        """The total on 100 over the measured groups only."""
        total = self.total
        if total is None or not self.measured_max:
            return None
        return round2(total * HUNDRED / Decimal(self.measured_max))


def group_scores(
    *,
    on_time_rate: Decimal | None,
    online_share: Decimal | None,
    online_payment_share: Decimal | None,
    satisfaction: Decimal | None,
    digitisation_share: Decimal | None,
    electronic_result_share: Decimal | None,
) -> GroupScores:
    """Points per 766 group.

    * publicity (18): not measured by the system yet (publication audits belong to the
      oversight app) → N/A;
    * progress (20): the on-time rate;
    * online (12): the share of dossiers received online;
    * payment (10): the share of fee-bearing dossiers paid online;
    * satisfaction (18): 100% − (late rate + complaint rate);
    * digitisation (22): the mean of the digitisation share and the electronic-result
      share, each scored against its threshold (data reuse is not measured yet).
    """
    dig = _scaled(1, digitisation_share, FULL_MARKS["digitisation_share"])
    eres = _scaled(1, electronic_result_share, FULL_MARKS["electronic_result_share"])
    parts = [p for p in (dig, eres) if p is not None]
    digitisation = (
        Decimal(WEIGHTS[Group.DIGITISATION]) * sum(parts, Decimal(0)) / len(parts)
        if parts
        else None
    )
    raw = {
        Group.PUBLICITY: None,
        Group.PROGRESS: _scaled(WEIGHTS[Group.PROGRESS], on_time_rate, FULL_MARKS["on_time_rate"]),
        Group.ONLINE: _scaled(WEIGHTS[Group.ONLINE], online_share, FULL_MARKS["online_share"]),
        Group.PAYMENT: _scaled(
            WEIGHTS[Group.PAYMENT], online_payment_share, FULL_MARKS["online_payment_share"]
        ),
        Group.SATISFACTION: _scaled(
            WEIGHTS[Group.SATISFACTION], satisfaction, FULL_MARKS["satisfaction"]
        ),
        Group.DIGITISATION: digitisation,
    }
    return GroupScores({g: None if v is None else round2(v) for g, v in raw.items()})


# -- Circular 01/2018 ------------------------------------------------------------------------

# Criteria the system cannot observe yet get this many points ("no adverse record"); see
# docs/indicators.md for each: 4 bodies contacted (the one-stop desk is the only contact),
# 5 receive–process–return at the desk, 6 publication of the procedure, 7 attitude (0 only
# when a complaint is upheld: no complaints are recorded yet), 8 handling of feedback.
UNOBSERVED_POINTS = 2


class OfficerBand(StrEnum):
    FULL = "full"  # ≥ 5 → 100% of tasks completed
    GOOD = "good"  # 3.5–5 → 70–100%
    BELOW = "below"  # < 3.5 → below 70%


class AgencyBand(StrEnum):
    EXCELLENT = "excellent"  # ≥ 15
    GOOD = "good"  # 12–15
    FAIR = "fair"  # 9–12
    AVERAGE = "average"  # 6–9
    WEAK = "weak"  # < 6


@dataclass(frozen=True)
class DossierCriteria:
    """Per-dossier criteria of Circular 01/2018 art. 13, summed over finished dossiers."""

    finished: int
    c1_total_time: int  # early 2, on time 1, late 0
    c2_unit_time: int  # every step and agency on time 2, any late 0
    c3_contacts: int  # no supplement 2, one 1, more 0
    c4_bodies: int
    c6_publication: int
    c7_attitude: int

    @classmethod
    def from_counts(cls, c: Counts) -> DossierCriteria:
        n = c.finished
        return cls(
            finished=n,
            c1_total_time=2 * c.finished_early + c.finished_on_time,
            c2_unit_time=2 * (n - c.unit_late),
            c3_contacts=2 * (n - c.one_supplement - c.more_supplements) + c.one_supplement,
            c4_bodies=UNOBSERVED_POINTS * n,
            c6_publication=UNOBSERVED_POINTS * n,
            c7_attitude=2 * max(0, n - c.complaints),
        )


def officer_score(c: Counts) -> Decimal | None:
    """Circular 01/2018: criteria 1, 2, 3, 4, 7 averaged over the dossiers the officer
    finished (max 10); None without a finished dossier."""
    k = DossierCriteria.from_counts(c)
    points = k.c1_total_time + k.c2_unit_time + k.c3_contacts + k.c4_bodies + k.c7_attitude
    return ratio(points, k.finished)


def officer_band(score: Decimal | None) -> tuple[OfficerBand | None, Decimal | None]:
    """The band and the task-completion percentage.

    The circular gives the bands only (≥ 5 → 100%; 3.5–5 → 70–100%; < 3.5 → below 70%);
    inside a band we interpolate linearly: 70 + 20 × (score − 3.5) between 3.5 and 5,
    20 × score below 3.5 (so 3.5 → 70%).
    """
    if score is None:
        return None, None
    if score >= 5:
        return OfficerBand.FULL, Decimal(100)
    if score >= Decimal("3.5"):
        return OfficerBand.GOOD, round2(Decimal(70) + 20 * (score - Decimal("3.5")))
    return OfficerBand.BELOW, round2(20 * score)


def agency_score(c: Counts) -> Decimal | None:
    """Circular 01/2018 (max 18): per-dossier criteria 1, 2, 3, 4, 6, 7 averaged over the
    finished dossiers (max 12), plus per-unit criteria 5, 8 (unobserved: 2 each) and 9
    (online service: online share ≥ 50% → 2, > 0 → 1, none → 0)."""
    k = DossierCriteria.from_counts(c)
    if k.finished == 0:
        return None
    per_dossier = Decimal(
        k.c1_total_time
        + k.c2_unit_time
        + k.c3_contacts
        + k.c4_bodies
        + k.c6_publication
        + k.c7_attitude
    ) / Decimal(k.finished)
    online = rate(c.received_online, c.received)
    c9 = 0 if not online else (2 if online >= FULL_MARKS["online_share"] else 1)
    return round2(per_dossier + UNOBSERVED_POINTS * 2 + c9)


def agency_band(score: Decimal | None) -> AgencyBand | None:
    if score is None:
        return None
    if score >= 15:
        return AgencyBand.EXCELLENT
    if score >= 12:
        return AgencyBand.GOOD
    if score >= 9:
        return AgencyBand.FAIR
    if score >= 6:
        return AgencyBand.AVERAGE
    return AgencyBand.WEAK


# -- the indicator set ---------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSet:
    counts: Counts
    # Stocks and flows, as counted.
    received: int
    received_online: int
    carried_over: int
    handled: int
    finished: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    in_progress: int
    in_progress_on_time: int
    in_progress_late: int
    returned: int
    withdrawn: int
    stopped: int
    refused: int
    rejected: int
    apologies: int
    # Rates (percent, 2 decimals half up; None = N/A).
    on_time_rate: Decimal | None
    finished_on_time_rate: Decimal | None
    late_rate: Decimal | None
    online_share: Decimal | None
    online_payment_share: Decimal | None
    digitisation_share: Decimal | None
    electronic_result_share: Decimal | None
    complaint_rate: Decimal | None
    satisfaction: Decimal | None
    sipas_satisfaction: Decimal | None
    average_processing_days: Decimal | None
    scores_766: GroupScores
    officer_score: Decimal | None
    officer_band: OfficerBand | None
    officer_completion: Decimal | None
    agency_score: Decimal | None
    agency_band: AgencyBand | None

    @classmethod
    def from_counts(cls, c: Counts) -> IndicatorSet:
        finished = c.finished
        # Dossiers whose clock is judged: finished in the period or in progress at its end
        # (withdrawn and stopped dossiers leave without an outcome: their clock ended).
        judged = finished + c.in_progress
        in_time = c.finished_early + c.finished_on_time + (c.in_progress - c.in_progress_late)
        late = c.finished_late + c.in_progress_late
        on_time_rate = rate(in_time, judged)
        late_rate = rate(late, judged)
        complaint_rate = rate(c.complaints, judged)
        satisfaction = (
            None
            if late_rate is None or complaint_rate is None
            else max(Decimal(0), HUNDRED - late_rate - complaint_rate)
        )
        online_share = rate(c.received_online, c.received)
        payment_share = rate(c.paid_online, c.fee_bearing)
        digitisation = rate(c.digitised, finished)
        eres = rate(c.electronic_result, finished)
        o_score = officer_score(c)
        o_band, o_completion = officer_band(o_score)
        a_score = agency_score(c)
        return cls(
            counts=c,
            received=c.received,
            received_online=c.received_online,
            carried_over=c.carried_over,
            handled=c.carried_over + c.received,
            finished=finished,
            finished_early=c.finished_early,
            finished_on_time=c.finished_on_time,
            finished_late=c.finished_late,
            in_progress=c.in_progress,
            in_progress_on_time=c.in_progress - c.in_progress_late,
            in_progress_late=c.in_progress_late,
            returned=c.returned,
            withdrawn=c.withdrawn,
            stopped=c.stopped,
            refused=c.refused,
            rejected=c.rejected,
            apologies=c.apologies,
            on_time_rate=on_time_rate,
            finished_on_time_rate=rate(c.finished_early + c.finished_on_time, finished),
            late_rate=late_rate,
            online_share=online_share,
            online_payment_share=payment_share,
            digitisation_share=digitisation,
            electronic_result_share=eres,
            complaint_rate=complaint_rate,
            satisfaction=satisfaction,
            sipas_satisfaction=rate(c.satisfied, c.rated),
            average_processing_days=ratio(c.processing_seconds, finished * 86400),
            scores_766=group_scores(
                on_time_rate=on_time_rate,
                online_share=online_share,
                online_payment_share=payment_share,
                satisfaction=satisfaction,
                digitisation_share=digitisation,
                electronic_result_share=eres,
            ),
            officer_score=o_score,
            officer_band=o_band,
            officer_completion=o_completion,
            agency_score=a_score,
            agency_band=agency_band(a_score),
        )
