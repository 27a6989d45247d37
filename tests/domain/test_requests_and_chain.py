import pytest
from hypothesis import given
from hypothesis import strategies as st

from megacase.domain.audit_chain import GENESIS, ChainedEvent, chain_hash, verify_chain
from megacase.domain.requests import Action, CaseState, Outcome, allowed_actions, next_state, parse_request_types
from megacase.errors import IllegalTransition, InputError


def test_the_whole_path():
    s = CaseState.RECEIVED
    s = next_state(s, Action.START_WORK)
    s = next_state(s, Action.ASK_SUBJECT)
    assert s is CaseState.AWAITING_IDENTITY
    s = next_state(s, Action.SUBJECT_ANSWERED)
    assert next_state(s, Action.EXTEND) is CaseState.IN_PROGRESS
    s = next_state(s, Action.DECIDE, Outcome.GRANTED)
    s = next_state(s, Action.CLOSE)
    assert s is CaseState.CLOSED
    assert next_state(s, Action.REOPEN) is CaseState.IN_PROGRESS


def test_illegal_transitions_are_refused_with_a_clear_message():
    with pytest.raises(IllegalTransition, match="cannot be given the action 'Close'"):
        next_state(CaseState.RECEIVED, Action.CLOSE)
    with pytest.raises(IllegalTransition, match="start work first"):
        next_state(CaseState.RECEIVED, Action.DECIDE, Outcome.GRANTED)
    assert next_state(CaseState.RECEIVED, Action.DECIDE, Outcome.WITHDRAWN) is CaseState.DECIDED
    assert Action.CLOSE not in allowed_actions(CaseState.IN_PROGRESS)
    assert allowed_actions(CaseState.CLOSED) == [Action.REOPEN]


def test_request_types_parse():
    assert [t.value for t in parse_request_types(["erasure", "Access", "access"])] == ["access", "erasure"]
    assert parse_request_types(["automated-decision"])[0].value == "automated_decision"
    with pytest.raises(InputError):
        parse_request_types(["forgiveness"])
    with pytest.raises(InputError):
        parse_request_types([])


def _chain(bodies):
    prev, out = GENESIS, []
    for i, b in enumerate(bodies, 1):
        h = chain_hash(prev, b)
        out.append(ChainedEvent(i, b, prev, h))
        prev = h
    return out


bodies = st.lists(st.dictionaries(st.text(min_size=1, max_size=5), st.one_of(st.integers(), st.text(max_size=10)),
                                  max_size=4), min_size=1, max_size=12)


@given(bodies)
def test_an_intact_chain_verifies(items):
    report = verify_chain(_chain(items))
    assert report.ok and report.count == len(items)


@given(bodies, st.data())
def test_any_change_is_found_at_its_event(items, data):
    chain = _chain(items)
    i = data.draw(st.integers(0, len(chain) - 1))
    changed = dict(chain[i].body)
    changed["tampered"] = True
    chain[i] = ChainedEvent(chain[i].seq, changed, chain[i].prev_hash, chain[i].hash)
    report = verify_chain(chain)
    assert not report.ok and report.broken_seq == i + 1


@given(bodies)
def test_a_removed_event_is_found(items):
    chain = _chain(items + [{"x": 1}])
    del chain[0]
    report = verify_chain(chain)
    assert not report.ok and report.broken_seq == 2
