"""Each connector against the loopback server speaking its vendor's documented requests and answers:
found, not found, several pages, rate-limited then retried, server error, refused credentials."""

from __future__ import annotations

import pytest

from megacase.services.systems.connectors import ga4, graph, lightspeed, mailchimp, silvasoft
from megacase.services.systems.connectors.base import SubjectRef
from megacase.services.systems.http import ATTEMPTS, BadCredential, ConnectorError, Http
from megacase.services.systems.loopback import CREDENTIALS, md5
from tests.services.systems_support import EMAIL, NAME, NUMBER, start_server

SUBJECT = SubjectRef(EMAIL, NAME, NUMBER, "1234567890.1712345678")
NOBODY = SubjectRef("nobody@example.be", "No Body")


@pytest.fixture
def server():
    s = start_server()
    yield s
    s.stop()


def waits():
    slept = []
    return slept, slept.append


def make(server, key, credential=None, sleep=None):
    cred = credential or CREDENTIALS[key]
    kw = {"sleep": sleep or (lambda _s: None)}
    if key == "mailchimp":
        return mailchimp.MailChimp(Http("MailChimp", server.base_url(key), auth=("megacase", cred), **kw))
    if key == "lightspeed":
        user, _, secret = cred.partition(":")
        return lightspeed.Lightspeed(Http("Lightspeed", server.base_url(key), auth=(user, secret), **kw))
    if key == "office365":
        return graph.Graph(Http("Office 365", server.base_url(key), headers={"Authorization": f"Bearer {cred}"},
                                **kw), ["info@megasecurity.eu"])
    if key == "silvasoft":
        return silvasoft.Silvasoft(Http("Silvasoft", server.base_url(key), headers=silvasoft.headers_for(cred), **kw))
    return ga4.GoogleAnalytics(Http("Google Analytics", server.base_url(key),
                                    headers={"Authorization": f"Bearer {cred}"}, **kw), "318207451")


# --- MailChimp -----------------------------------------------------------------------------------------------

def test_mailchimp_finds_the_member_their_tags_and_every_page_of_activity(server):
    got = make(server, "mailchimp").collect(SUBJECT)
    [profile] = got.categories["newsletter"]
    assert profile["email_address"] == EMAIL and profile["first_name"] == "Hélène" and profile["status"] == "subscribed"
    assert [t["tag"] for t in got.categories["tags"]] == ["Clients", "Alarmes"]
    assert len(got.categories["opens and reads"]) == 5          # three pages of two from the server
    feed = [q for m, p, q in server.requests if p.endswith("/activity-feed")]
    assert [q["offset"] for q in feed] == ["0", "2", "4"]
    assert ("GET", "/mailchimp/3.0/search-members", {"query": EMAIL}) in server.requests
    assert got.summary == "1 audience membership, 2 tags, 5 activity events" and EMAIL.encode() in got.raw


def test_mailchimp_not_a_member(server):
    got = make(server, "mailchimp").collect(NOBODY)
    assert not got.found and got.summary == "not a member of any audience"
    plan = make(server, "mailchimp").plan_erasure(NOBODY)
    assert plan.outcome == "nothing_held" and plan.actions == ()


def test_mailchimp_retries_a_rate_limit_honouring_retry_after(server):
    slept, sleep = waits()
    server.fail("/mailchimp/3.0/search-members", 429, times=2, Retry_After="3")
    got = make(server, "mailchimp", sleep=sleep).collect(SUBJECT)
    assert got.found and slept == [3.0, 3.0]
    assert sum(1 for _m, p, _q in server.requests if p.endswith("search-members")) == 3


def test_mailchimp_server_error_and_refused_key_are_one_line_errors(server):
    server.fail("/mailchimp/3.0/search-members", 500, times=ATTEMPTS)
    with pytest.raises(ConnectorError, match=r"^MailChimp: server error \(HTTP 500\) after 4 attempts\.$"):
        make(server, "mailchimp").collect(SUBJECT)
    with pytest.raises(BadCredential, match="credential was refused") as err:
        make(server, "mailchimp", credential="wrong-key-us21").collect(SUBJECT)
    assert "wrong-key" not in str(err.value) and EMAIL not in str(err.value)


def test_mailchimp_erasure_deletes_permanently_and_an_objection_unsubscribes(server):
    assert make(server, "mailchimp").erase(SUBJECT, objection=True).answer["replies"][0]["action"] == "unsubscribed"
    assert server.data.members[EMAIL][0]["status"] == "unsubscribed"
    answer = make(server, "mailchimp").erase(SUBJECT)
    assert answer.outcome == "erased" and answer.answer["replies"][0]["http"] == 204
    assert server.deleted == [("mailchimp", md5(EMAIL))]
    assert ("POST", f"/mailchimp/3.0/lists/a1b2c3d4e5/members/{md5(EMAIL)}/actions/delete-permanent", {}) \
        in server.requests
    assert not make(server, "mailchimp").collect(SUBJECT).found


# --- Lightspeed ------------------------------------------------------------------------------------------------

def test_lightspeed_finds_the_customer_addresses_and_pages_of_orders(server, monkeypatch):
    monkeypatch.setattr(lightspeed, "LIMIT", 2)
    got = make(server, "lightspeed").collect(SUBJECT)
    assert [o["order"] for o in got.categories["orders"]] == ["ORD10231", "ORD10562", "ORD11204"]
    assert [i["invoice"] for i in got.categories["invoices"]] == ["F-2025-0142", "F-2026-0031", "F-2026-0107"]
    assert got.categories["addresses"][0] == {"type": "billing", "name": NAME, "street": "Rue de l'Église 12",
                                              "zipcode": "5000", "city": "Namur", "country": "Belgium"}
    pages = [q["page"] for _m, p, q in server.requests if p.endswith("/orders.json")]
    assert pages == ["1", "2"]


def test_lightspeed_not_found_rate_limit_server_error_bad_credential(server):
    assert not make(server, "lightspeed").collect(NOBODY).found
    slept, sleep = waits()
    server.fail("/lightspeed/nl/customers.json", 429, times=1, Retry_After="1")
    assert make(server, "lightspeed", sleep=sleep).collect(SUBJECT).found and slept == [1.0]
    server.fail("/lightspeed/nl/orders.json", 503, times=ATTEMPTS)
    with pytest.raises(ConnectorError, match=r"HTTP 503"):
        make(server, "lightspeed").collect(SUBJECT)
    with pytest.raises(BadCredential):
        make(server, "lightspeed", credential="ls-demo-key:wrong").collect(SUBJECT)


def test_lightspeed_erasure_deletes_the_account_or_leaves_a_task(server):
    plan = make(server, "lightspeed").plan_erasure(SUBJECT)
    assert plan.actions == ("DELETE /customers/4411207.json",)
    server.fail("/lightspeed/nl/customers/4411207.json", 422, times=1)
    assert make(server, "lightspeed").erase(SUBJECT).outcome == "task"
    answer = make(server, "lightspeed").erase(SUBJECT)
    assert answer.outcome == "erased" and server.deleted == [("lightspeed", "4411207")]


# --- Microsoft Graph -----------------------------------------------------------------------------------------

def test_graph_lists_the_messages_to_and_from_the_subject_across_pages(server):
    got = make(server, "office365").collect(SUBJECT)
    rows = got.categories["correspondence"]
    assert [r["direction"] for r in rows] == ["from the subject", "to the subject", "to the subject"]
    assert rows[2]["subject"] == "Facture F-2026-0107" and rows[2]["attachments"] is True
    searches = [q for _m, p, q in server.requests if p.endswith("/messages")]
    assert searches[0]["$search"] == f'"participants:{EMAIL}"' and searches[1]["$skip"] == "2"
    assert not make(server, "office365").collect(NOBODY).found


def test_graph_retries_then_reports_errors_and_a_refused_token(server):
    slept, sleep = waits()
    server.fail("/graph/v1.0/users", 429, times=1, Retry_After="2")
    assert make(server, "office365", sleep=sleep).collect(SUBJECT).row_count == 3 and slept == [2.0]
    server.fail("/graph/v1.0/users", 502, times=ATTEMPTS)
    with pytest.raises(ConnectorError, match="HTTP 502"):
        make(server, "office365").collect(SUBJECT)
    with pytest.raises(BadCredential):
        make(server, "office365", credential="expired").collect(SUBJECT)


# --- Google Analytics ----------------------------------------------------------------------------------------

def test_google_analytics_says_it_cannot_search_by_person_and_erases_by_client_id(server):
    got = make(server, "google_analytics").collect(SUBJECT)
    assert not got.found and "cannot search it by person" in got.statement
    assert server.requests == []                        # nothing to ask for access
    answer = make(server, "google_analytics").erase(SUBJECT)
    assert answer.answer["deletionRequestTime"] == "2027-04-07T10:00:00.000Z" and answer.answer["type"] == "CLIENT_ID"
    [(method, path, _q)] = server.requests
    assert (method, path) == ("POST", "/ga/analytics/v3/userDeletion/userDeletionRequests:upsert")


def test_google_analytics_retries_and_refuses(server):
    slept, sleep = waits()
    server.fail("/ga/", 500, times=1)
    assert make(server, "google_analytics", sleep=sleep).erase(SUBJECT).outcome == "erased" and len(slept) == 1
    server.fail("/ga/", 429, times=ATTEMPTS, Retry_After="0")
    with pytest.raises(ConnectorError, match="rate-limited"):
        make(server, "google_analytics").erase(SUBJECT)
    with pytest.raises(BadCredential):
        make(server, "google_analytics", credential="nope").erase(SUBJECT)


# --- Silvasoft -------------------------------------------------------------------------------------------------

def test_silvasoft_reads_the_customer_and_pages_of_invoices_and_never_erases(server, monkeypatch):
    monkeypatch.setattr(silvasoft, "LIMIT", 2)
    got = make(server, "silvasoft").collect(SUBJECT)
    assert got.categories["identity"][0]["customer_number"] == NUMBER
    assert [i["invoice"] for i in got.categories["invoices"]] == ["F-2025-0142", "F-2026-0031", "F-2026-0107"]
    assert [q["Offset"] for _m, p, q in server.requests if p.endswith("listsalesinvoices/")] == ["0", "2"]
    assert make(server, "silvasoft").plan_erasure(SUBJECT).outcome == "kept"
    assert make(server, "silvasoft").erase(SUBJECT).outcome == "kept" and server.deleted == []


def test_silvasoft_not_found_retry_error_and_bad_key(server):
    assert not make(server, "silvasoft").collect(NOBODY).found
    slept, sleep = waits()
    server.fail("/silvasoft/rest/listcustomers/", 429, times=1, Retry_After="5")
    assert make(server, "silvasoft", sleep=sleep).collect(SUBJECT).found and slept == [5.0]
    server.fail("/silvasoft/rest/listcustomers/", 500, times=ATTEMPTS)
    with pytest.raises(ConnectorError, match="HTTP 500"):
        make(server, "silvasoft").collect(SUBJECT)
    with pytest.raises(BadCredential):
        make(server, "silvasoft", credential="boekhouding@megasecurity.eu:WRONG").collect(SUBJECT)


# --- the client itself ------------------------------------------------------------------------------------------

def test_offline_or_refused_is_one_clear_line(server):
    url = server.base_url("mailchimp")
    server.stop()
    slept, sleep = waits()
    with pytest.raises(ConnectorError, match=r"^MailChimp: cannot reach 127\.0\.0\.1 \(offline, or the connection "
                                             r"was refused\)\.$"):
        mailchimp.MailChimp(Http("MailChimp", url, auth=("x", "y"), sleep=sleep)).test()
    assert len(slept) == ATTEMPTS - 1
    server.stop = lambda: None                           # already stopped for the fixture
