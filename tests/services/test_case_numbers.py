"""Case numbers are numbers: DSR-2027-10000 follows DSR-2027-9999, in the register and in every sorted list."""

from sqlalchemy import text

from megacase.domain.references import case_reference, parse_case_reference, reference_sort_key
from megacase.services.cases import queries


def test_references_parse_and_sort_as_numbers():
    assert case_reference(2027, 7) == "DSR-2027-0007" and case_reference(2027, 10000) == "DSR-2027-10000"
    assert parse_case_reference(" dsr-2027-10000 ") == (2027, 10000) and parse_case_reference("S-00001") is None
    refs = ["DSR-2027-10000", "DSR-2028-0001", "DSR-2027-9999", "DSR-2027-0002", "DSR-2027-100001"]
    assert sorted(refs, key=reference_sort_key) == ["DSR-2027-0002", "DSR-2027-9999", "DSR-2027-10000",
                                                     "DSR-2027-100001", "DSR-2028-0001"]


def test_the_register_numbers_past_9999(ws, open_access_case, clock):
    opened = open_access_case("2027-04-01 09:30")
    first, subject = opened.reference, opened.summary.subject_id
    assert first == "DSR-2027-0001"
    with ws.engine.begin() as conn:      # as if 9,998 more cases had been opened this year
        conn.execute(text("UPDATE cases SET reference = 'DSR-2027-9999' WHERE reference = :r"), {"r": first})
    assert open_access_case("2027-04-01 10:00", subject=subject).reference == "DSR-2027-10000"
    assert open_access_case("2027-04-01 10:30", subject=subject).reference == "DSR-2027-10001"
    assert queries.get_case(ws, "dsr-2027-10000").reference == "DSR-2027-10000"
    listed = sorted((c.reference for c in queries.list_cases(ws)), key=reference_sort_key)
    assert listed == ["DSR-2027-9999", "DSR-2027-10000", "DSR-2027-10001"]
