"""The breathwork page's data: the timer plays exactly the domain's timeline."""

from __future__ import annotations

import json

import pytest

from attune.domain.errors import ValidationError
from attune.domain.kap.breathwork import (
    BreathProtocol,
    builtin_protocols,
    get_protocol,
    timeline,
    timeline_as_data,
)
from attune.web.pages.breathwork import length_text, per_minute, timer_data


@pytest.mark.parametrize("protocol", builtin_protocols(), ids=lambda p: p.id)
def test_the_timer_data_is_the_domains_timeline(protocol: BreathProtocol) -> None:
    p = protocol
    data = timer_data(p)
    steps = timeline(p)
    assert data["steps"] == timeline_as_data(steps)
    assert data["protocol_id"] == p.id and data["name"] == p.name
    assert data["cycles"] == steps[-1].cycle
    assert data["total_ms"] == steps[-1].start_ms + steps[-1].duration_ms
    # It survives the trip through JSON (the page embeds it in a data attribute).
    assert json.loads(json.dumps(data)) == data


def test_a_chosen_length_is_the_domains_too() -> None:
    box = get_protocol("box")
    assert timer_data(box, cycles=2)["steps"] == timeline_as_data(timeline(box, cycles=2))
    slow = get_protocol("slow-6")
    data = timer_data(slow, minutes=2)
    assert data["cycles"] == 12 and data["total_ms"] == 120_000


def test_a_length_out_of_range_names_its_field() -> None:
    with pytest.raises(ValidationError) as refused:
        timer_data(get_protocol("box"), cycles=0)
    assert refused.value.field == "cycles"
    with pytest.raises(ValidationError) as refused:
        timer_data(get_protocol("slow-6"), minutes=61)
    assert refused.value.field == "minutes"


def test_lengths_and_rates_in_words() -> None:
    box, slow = get_protocol("box"), get_protocol("slow-6")
    assert length_text(box, 8) == "8 rounds, about 2 minutes"
    assert length_text(box, 1) == "1 round, 16 seconds"
    assert length_text(slow, 30) == "about 5 minutes"
    assert per_minute(slow) == "6" and per_minute(box) == "3.8"
