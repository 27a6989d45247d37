"""The fast writer of an audit event's canonical bytes gives exactly ``canonical_json`` of the same body."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from megacase.domain.audit_chain import canonical_json, event_bytes

text = st.text(max_size=30)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                           max_leaves=12)


@given(seq=st.integers(1, 10**9), at=text, actor=text, kind=text, case_id=st.none() | st.integers(1, 10**9),
       subject_id=st.none() | st.integers(1, 10**9), details=st.dictionaries(text, json_values, max_size=5),
       secret=st.none() | st.binary(max_size=40))
def test_event_bytes_equal_canonical_json(seq, at, actor, kind, case_id, subject_id, details, secret):
    b64 = base64.b64encode(secret).decode("ascii") if secret is not None else None
    body = {"seq": seq, "at": at, "actor": actor, "kind": kind, "case_id": case_id, "subject_id": subject_id,
            "details": details, "secret": b64}
    assert event_bytes(seq, at, actor, kind, case_id, subject_id, details, b64) == canonical_json(body)
