from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import ValidationFailed
from domain.wellness.mood import new_check_in, reported_valence
from tests.unit.wellness.builders import NOW, USER


def check_in(valence: int, ago: timedelta, **kw):
    return new_check_in(
        id=uuid4(), user_id=USER, now=NOW, valence=valence, timestamp=NOW - ago, **kw
    )


def test_a_check_in_defaults_to_now_and_normalises_its_label():
    c = new_check_in(
        id=uuid4(),
        user_id=USER,
        now=NOW,
        valence=1,
        arousal=-1,
        label=" Calm ",
        note="  after a walk ",
    )
    assert (c.timestamp, c.label, c.note) == (NOW, "calm", "after a walk")


def test_out_of_scale_values_unknown_labels_and_future_times_are_rejected():
    with pytest.raises(ValidationFailed) as exc:
        new_check_in(
            id=uuid4(),
            user_id=USER,
            now=NOW,
            valence=3,
            arousal=-5,
            label="hangry",
            note="x" * 1001,
            timestamp=NOW + timedelta(hours=1),
        )
    assert [e["field"] for e in exc.value.details["errors"]] == [
        "valence",
        "arousal",
        "label",
        "note",
        "timestamp",
    ]


def test_booleans_are_not_valence():
    with pytest.raises(ValidationFailed):
        new_check_in(id=uuid4(), user_id=USER, now=NOW, valence=True)


def test_recent_check_ins_outweigh_older_ones():
    recent_bad = [check_in(-2, timedelta(minutes=10)), check_in(2, timedelta(hours=5))]
    v = reported_valence(recent_bad, NOW)
    assert v is not None
    assert v.value < -0.5
    assert v.check_ins == 2


def test_stale_or_later_check_ins_say_nothing_about_now():
    assert reported_valence([check_in(-2, timedelta(hours=9))], NOW) is None
    later = new_check_in(id=uuid4(), user_id=USER, now=NOW, valence=2)
    assert reported_valence([later], NOW - timedelta(hours=1)) is None


def test_a_fading_check_in_carries_less_weight():
    fresh = reported_valence([check_in(-2, timedelta(0))], NOW)
    old = reported_valence([check_in(-2, timedelta(hours=4))], NOW)
    assert fresh is not None
    assert old is not None
    assert fresh.weight == 1.0
    assert old.weight == pytest.approx(0.25)
