from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from app.calendar import TZ
from app.codes import format_code
from app.domain.agency_codes import DEMO_AGENCY_CODE, UNSET_AGENCY_CODE
from app.domain.errors import NotFoundError, StateError, ValidationError
from app.services import clerks, intake, lifecycle, queries, returns
from app.services.integrity import run as check
from tests.store_helpers import applicant, make_desk, request


@pytest.fixture
def desk(tmp_path):
    d = make_desk(tmp_path)
    yield d
    d.db.close()


def _counts(desk):
    q = desk.db.conn.execute
    return tuple(q(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("events", "outbox", "dossiers"))


def test_receive_writes_full_snapshot_with_code_due_date_and_outbox_row(desk):
    state = intake.receive(desk, request(desk, "1.004222", pages=2))
    assert state.status.value == "received"
    assert state.code == "000.00.01.H26-261120-1001"
    assert state.procedure["code"] == "1.004222" and state.procedure["version"] >= 1
    assert state.due_date == "2026-12-02"  # 7 working days after Fri 20/11, skipping 24/11 (Ngày Văn hóa)
    assert state.fees_quoted == sum(f["amount"] for f in state.fee_lines)
    assert state.actors == [desk.clerk_id]
    assert all(item["provided"] for item in state.checklist if item["mandatory"])
    assert _counts(desk) == (1, 1, 1)
    assert all(r.ok for r in check(desk.db, desk.blobs))


def test_unknown_procedure_is_refused_in_vietnamese_and_writes_nothing(desk):
    req = request(desk)
    req["procedure"] = "9.999999"
    with pytest.raises(NotFoundError) as info:
        intake.receive(desk, req)
    assert "Không tìm thấy thủ tục" in info.value.user_message
    assert _counts(desk) == (0, 0, 0)


@pytest.mark.parametrize(
    "bad", [{"id_number": "00109001234"}, {"id_number": "0010900123456"}, {"id_number": "00109001234A"}]
)
def test_invalid_id_number_is_refused_and_writes_nothing(desk, bad):
    req = request(desk)
    req["applicant"] = applicant(**bad)
    with pytest.raises(ValidationError) as info:
        intake.receive(desk, req)
    assert info.value.problems and "CCCD" in info.value.user_message
    assert _counts(desk) == (0, 0, 0)
    assert desk.db.conn.execute("SELECT count(*) FROM code_sequences").fetchone()[0] == 0  # no code burnt


@pytest.mark.parametrize("doubt", [{"id_number": "099090012345"}, {"birth_date": "1991-05-01"}])
def test_a_12_digit_number_with_a_doubtful_prefix_is_received(desk, doubt):
    # since 1/7/2024 the law fixes only the length: the prefix is a doubt the clerk sees, not a refusal
    req = request(desk)
    req["applicant"] = applicant(**doubt)
    assert intake.receive(desk, req).status.value == "received"


def test_missing_mandatory_component_asks_for_a_supplement(desk):
    req = request(desk, "1.004222")
    req["documents"] = req["documents"][:-1]
    with pytest.raises(ValidationError, match="mandatory"):
        intake.receive(desk, req)


def test_a_page_not_in_the_blob_store_is_refused(desk):
    req = request(desk)
    req["documents"][0]["pages"][0]["sha256"] = "f" * 64
    with pytest.raises(ValidationError):
        intake.receive(desk, req)
    assert _counts(desk) == (0, 0, 0)


@pytest.mark.parametrize(
    "bad",
    [
        {"original": {"sha256": "e" * 64, "size": 10}},  # the scan is not in the blob store
        {"steps": [{"step": "crop", "top": {"nested": 1}}]},  # not a figure of a step
        {"steps": "deskew"},
    ],
)
def test_a_page_with_a_bad_scan_record_is_refused_in_vietnamese(desk, bad):
    req = request(desk)
    req["documents"][0]["pages"][0].update(bad)
    with pytest.raises(ValidationError) as err:
        intake.receive(desk, req)
    assert "ảnh" in err.value.user_message
    assert _counts(desk) == (0, 0, 0)


def test_life_of_a_dossier_supplement_then_result_then_rating(desk):
    state = intake.receive(desk, request(desk, "1.004222"))
    with pytest.raises(StateError, match="rated"):
        returns.rate(desk, state.id, "hai_long")
    intake.request_supplement(desk, state.id, [{"name": "Giấy tờ chứng minh chỗ ở"}], "Thiếu giấy tờ")
    doc = request(desk, "1.004222")["documents"][0]
    state = intake.add_documents(desk, state.id, [doc], completes_supplement=True)
    assert state.status.value == "received" and len(state.due_history) == 1
    returns.record_fee(desk, state.id, 20_000)
    lifecycle.record_result(desk, state.id, kind="paper")  # the agency's paper result reaches the point
    returns.return_result(desk, state.id, "Nguyễn Văn Đức")
    state = returns.rate(desk, state.id, "rat_hai_long")
    assert (state.status.value, state.rating, state.fees_collected) == ("returned", "rat_hai_long", 20_000)
    assert not state.flags and state.event_count == 7
    assert all(r.ok for r in check(desk.db, desk.blobs))


def test_refusal_and_apology(desk):
    refused = intake.refuse(desk, intake.receive(desk, request(desk)).id, "Không thuộc thẩm quyền")
    assert refused.status.value == "refused"
    with pytest.raises(StateError):
        intake.refuse(desk, refused.id, "again")
    late = intake.receive(desk, request(desk, "1.004222"))
    head = clerks.add_clerk(desk.db, "truong", "Lê Thị Mai", "head", "mat-khau-123", "system")
    desk = replace(desk, clerk_id=head.id)  # the apology (form 04) is signed for the head of the unit
    with pytest.raises(ValidationError):
        returns.issue_apology(desk, late.id, "Cần xác minh", late.due_date)
    state = returns.issue_apology(desk, late.id, "Cần xác minh", "2026-12-04")
    assert state.due_date == "2026-12-04" and state.original_due_date == late.due_date


def test_correction_revalidates_the_applicant(desk):
    state = intake.receive(desk, request(desk))
    with pytest.raises(ValidationError):
        intake.correct(desk, state.id, {"applicant": {"phone": "123"}})
    state = intake.correct(desk, state.id, {"applicant": {"phone": "+84 987 654 321"}}, "sai số điện thoại")
    assert state.applicant["phone"] == "0987654321"


def test_search_by_code_name_without_diacritics_id_number_and_scanned_text(desk):
    a = intake.receive(desk, request(desk, text="Giấy chứng sinh bệnh viện Bạch Mai"))
    req = request(desk)
    req["applicant"] = applicant(full_name="Trần Thị Mai", id_number="001190054321", gender="female")
    b = intake.receive(desk, req)

    def ids(query):
        return [d["id"] for d in queries.list_dossiers(desk.db, query=query, today=date(2026, 11, 20)).items]

    assert ids("nguyen van duc") == [a.id]
    assert ids("Đức") == [a.id]
    assert ids("tran mai") == [b.id]
    assert ids("001190054321") == [b.id]
    assert ids(b.code or "") == [b.id]
    assert ids("bach mai") == [a.id]
    assert set(ids("")) == {a.id, b.id}


def test_filters_and_dashboard(desk):
    today = date(2026, 11, 20)
    same_day = intake.receive(desk, request(desk, "2.000815"))
    week = intake.receive(desk, request(desk, "1.004222"))
    returns.return_result(desk, same_day.id, "Người nhận")
    page = queries.list_dossiers(desk.db, "returned", today=today)
    assert [d["id"] for d in page.items] == [same_day.id]
    assert [d["id"] for d in queries.list_dossiers(desk.db, "awaiting_result", today=today).items] == [
        week.id
    ]
    assert [
        d["id"] for d in queries.list_dossiers(desk.db, "overdue", today=today + timedelta(days=30)).items
    ] == [week.id]
    assert queries.list_dossiers(desk.db, "unsynced", today=today).total == 2
    board = queries.dashboard(desk.db, today)
    assert board["received_today"] == 2 and board["returned_today"] == 1 and board["on_time_rate"] == 100.0


def test_two_desks_of_one_point_offline_on_the_same_day_never_collide(tmp_path):
    desks = [make_desk(tmp_path / f"desk{n}", desk_no=n) for n in (1, 2)]
    codes = []
    for _ in range(12):
        for desk in desks:
            codes.append(intake.receive(desk, request(desk)).code)
    assert len(set(codes)) == len(codes) == 24
    assert codes[:2] == ["000.00.01.H26-261120-1001", "000.00.01.H26-261120-2001"]
    assert format_code("X", date(2026, 11, 20), 12001) == "X-261120-12001"
    later = make_desk(tmp_path / "desk1", desk_no=1, now=datetime(2026, 11, 23, 8, 0, tzinfo=TZ))
    assert intake.receive(later, request(later)).code == "000.00.01.H26-261123-1001"  # a new day starts again


def test_validate_return_method_is_the_services_rule():
    assert intake.validate_return_method(None) == {"kind": "desk"}
    post = {"kind": "post", "recipient_name": "A", "address": "B", "phone": "0912 345 678"}
    assert intake.validate_return_method(post)["phone"] == "0912345678"
    for bad in ({"kind": "post", "recipient_name": "A"}, {"kind": "drone"}):
        with pytest.raises(ValidationError) as info:
            intake.validate_return_method(bad)
        assert info.value.user_message


def test_search_by_phone_number_as_the_citizen_says_it(desk):
    req = request(desk)
    req["applicant"] = applicant(phone="0987 654 321")
    mine = intake.receive(desk, req)
    intake.receive(desk, request(desk))  # another applicant, phone 0912345678

    def ids(query):
        return [d["id"] for d in queries.list_dossiers(desk.db, query=query, today=date(2026, 11, 20)).items]

    assert ids("0987654321") == [mine.id]
    assert ids("0987 654 321") == [mine.id]
    assert ids("+84 987 654 321") == [mine.id]


def test_a_correction_needs_a_reason(desk):
    state = intake.receive(desk, request(desk))
    with pytest.raises(ValidationError, match="reason"):
        intake.correct(desk, state.id, {"applicant": {"phone": "0987654321"}}, "  ")


def test_the_channel_is_recorded_in_the_event_the_state_and_the_report_facts(desk):
    from app.services.fees import FeeRequest
    from app.storage.events import load_events

    asked = FeeRequest(channel="truc_tuyen").to_dict()
    online = intake.receive(desk, request(desk, "1.004222", channel="truc_tuyen", fee_request=asked))
    in_person = intake.receive(desk, request(desk, "1.004222"))
    assert (online.channel, in_person.channel) == ("truc_tuyen", "truc_tiep")
    assert online.fees_quoted == 10_000 and in_person.fees_quoted == 20_000  # the catalog's online price
    (received,) = load_events(desk.db, online.id)
    assert received.payload["channel"] == "truc_tuyen"
    facts = dict(
        desk.db.conn.execute("SELECT d.id, f.channel FROM dossiers d JOIN dossier_facts f USING (rid)")
    )
    assert facts == {online.id: "truc_tuyen", in_person.id: "truc_tiep"}
    by_post = intake.receive(desk, request(desk, "1.004222", channel="buu_chinh"))
    assert by_post.channel == "buu_chinh"


def test_a_channel_outside_the_list_or_unlike_the_fee_quote_is_refused(desk):
    from app.services.fees import FeeRequest

    with pytest.raises(ValidationError) as info:
        intake.receive(desk, request(desk, "1.004222", channel="fax"))
    assert "Hình thức nộp hồ sơ không hợp lệ" in info.value.user_message
    asked = FeeRequest(channel="truc_tiep").to_dict()
    with pytest.raises(ValidationError) as info:
        intake.receive(desk, request(desk, "1.004222", channel="truc_tuyen", fee_request=asked))
    assert "tính lại phí" in info.value.user_message
    assert _counts(desk) == (0, 0, 0)


@pytest.mark.parametrize("agency_code", [UNSET_AGENCY_CODE, "", "  "])
def test_no_dossier_code_is_made_on_the_default_agency_code(tmp_path, caplog, agency_code):
    """Every point left on the default would make the same codes: the desk refuses to receive."""
    desk = make_desk(tmp_path, agency_code=agency_code)
    with pytest.raises(ValidationError) as err, caplog.at_level("WARNING", logger="app.codes"):
        intake.receive(desk, request(desk))
    assert "chưa có mã cơ quan của điểm" in err.value.user_message
    assert "the point's agency code is not set" in caplog.text
    assert _counts(desk) == (0, 0, 0)
    desk.settings.agency_code = DEMO_AGENCY_CODE  # a demo home's code says so on the receipt
    assert intake.receive(desk, request(desk)).code.startswith("DEM.00.00.H26-261120-")
    desk.db.close()
