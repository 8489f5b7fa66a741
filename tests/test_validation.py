from datetime import date

import pytest

from app.domain.errors import ValidationError
from app.domain.validation import check_applicant, normalise_phone, validate_applicant

TODAY = date(2026, 11, 22)


def _app(**kw):
    base = {
        "full_name": "  Nguyễn   Văn Đức ",
        "id_kind": "cccd",
        "id_number": "001090012345",
        "birth_date": "1990-05-01",
        "gender": "male",
        "address": "Hoàn Kiếm, Hà Nội",
        "phone": "+84 912 345 678",
        "email": "Duc.Nguyen@Example.VN",
    }
    return {**base, **kw}


def test_valid_applicant_is_normalised():
    check = validate_applicant(_app(), TODAY)
    assert check.values["full_name"] == "Nguyễn Văn Đức"
    assert check.values["phone"] == "0912345678"
    assert check.values["email"] == "Duc.Nguyen@example.vn"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"id_number": "00109001234"}, "12 chữ số"),
        ({"id_number": "00109001234X"}, "12 chữ số"),
        ({"id_kind": "cmnd", "id_number": "12345678"}, "9 chữ số"),
        ({"id_kind": "passport", "id_number": "C12-34"}, "hộ chiếu"),
        ({"birth_date": "2030-01-01", "id_number": "001230012345"}, "sau ngày hôm nay"),
        ({"birth_date": "01/05/1990"}, "Ngày sinh không hợp lệ"),
        ({"phone": "12345"}, "điện thoại"),
        ({"email": "duc@"}, "thư điện tử"),
        ({"full_name": ""}, "họ và tên"),
    ],
)
def test_invalid_applicant_gets_a_vietnamese_message(changes, fragment):
    with pytest.raises(ValidationError) as info:
        validate_applicant(_app(**changes), TODAY)
    assert any(fragment in p for p in info.value.problems), info.value.problems


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"id_number": "003090012345"}, "mã tỉnh 003"),
        ({"id_number": "001290012345"}, "năm sinh 2090"),
        ({"id_number": "001185012345"}, "năm sinh 1985"),
        ({"id_number": "001190012345"}, "giới tính nữ"),
        ({"full_name": "Nguy\ufffdn V\u0103n \u0110\u1ee9c"}, "ký tự lỗi"),
    ],
)
def test_a_12_digit_number_is_never_refused_for_its_prefix_alone_but_warns(changes, fragment):
    # since 1/7/2024 the law fixes only the 12 digits; the prefix checks are doubts to look at again
    check = check_applicant(_app(**changes), TODAY)
    assert check.is_valid, check.problems
    assert any(fragment in w for w in check.warnings), check.warnings


def test_century_digit_for_a_girl_born_in_2005():
    assert check_applicant(
        _app(id_number="001305123456", birth_date="2005-03-04", gender="female"), TODAY
    ).is_valid


def test_cmnd_and_foreign_passport_pass_with_a_warning():
    assert check_applicant(_app(id_kind="cmnd", id_number="012345678"), TODAY).warnings
    check = check_applicant(_app(id_kind="passport", id_number="x1234567ab"), TODAY)
    assert check.is_valid and check.values["id_number"] == "X1234567AB" and check.warnings
    assert not check_applicant(_app(id_kind="passport", id_number="B1234567"), TODAY).warnings


@pytest.mark.parametrize("raw", ["0912345678", "+84912345678", "84 912.345.678", "(091) 234-5678"])
def test_phone_forms_normalise(raw):
    assert normalise_phone(raw).startswith("09") and len(normalise_phone(raw)) == 10


def test_landline_keeps_eleven_digits():
    assert normalise_phone("024 3825 1234") == "02438251234"


def test_an_organisation_with_its_authorised_representative_is_checked():
    org = {
        "kind": "organisation",
        "org_name": "Công ty TNHH Hoa Sen",
        "tax_code": "0101234567",
        "role": "representative",
    }
    check = check_applicant(_app(**org, authorisation="Giấy ủy quyền số 12/UQ"), TODAY)
    assert check.is_valid, check.problems
    assert check.values["org_name"] == "Công ty TNHH Hoa Sen" and check.values["tax_code"] == "0101234567"
    bad = check_applicant(_app(**{**org, "tax_code": "12345"}), TODAY)
    assert any("Mã số thuế" in p for p in bad.problems)
    assert any("giấy ủy quyền" in w for w in bad.warnings)
    assert not check_applicant(_app(kind="organisation"), TODAY).is_valid  # no organisation name
    assert not check_applicant(_app(role="boss"), TODAY).is_valid
