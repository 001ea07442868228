"""The citizen identity number (公民身份号码) of GB 11643-1999, read and checked.

References:
    GB 11643-1999 《公民身份号码》: 18 characters — a 6-digit address code (GB/T 2260, the
    county of registration when the number was issued), an 8-digit birth date (YYYYMMDD), a
    3-digit sequence code (odd for men, even for women) and a check character computed by
    ISO 7064:1983 MOD 11-2 (``X`` stands for 10).
    《中华人民共和国居民身份证法》 art. 3 (the number is the lifelong unique identifier).

Limitations:
    * Only the 18-character number is accepted: the 15-digit numbers of first-generation
      cards stopped being valid on 2013-01-01 (the first-generation card's end), so a
      resident applying online holds an 18-character number (our reading).
    * The address code is the place of first registration and is not checked against the
      hukou city: a resident may have moved household since. Only its form (six digits,
      a province prefix that exists) is checked.
    * Age in full years (周岁) on a day: reached on the birthday; someone born on 29 February
      reaches it on 1 March in a common year (our reading of 民法典 art. 201: a period in
      years ends on the corresponding day, the last day of the month when there is none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from churujing.decision import Text
from churujing.errors import FactsError
from churujing.i18n import T

__all__ = ["IdNumber", "age_on", "check_character", "parse_id_number"]

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_CHECK = "10X98765432"
#: The provincial-level prefixes of GB/T 2260 (11 Beijing … 65 Xinjiang; 71, 81, 82 are
#: Taiwan, Hong Kong, Macau and do not occur in mainland resident numbers).
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
})


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid identity number and what it says."""

    number: str
    address_code: str
    birth_date: date
    sex: Literal["male", "female"]

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def masked(self) -> str:
        """The number with the birth date and sequence hidden, for pages and logs."""
        return f"{self.number[:6]}********{self.number[14:]}"


def check_character(first17: str) -> str:
    """The check character of GB 11643 (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def _error(field: str, text: Text) -> FactsError:
    return FactsError(text.en, field=field, text=text)


def parse_id_number(value: object, *, field: str = "applicant.id_number",
                    today: date | None = None) -> IdNumber:
    """Validate an 18-character identity number; :class:`FactsError` on ``field`` otherwise.

    ``today``, when given, refuses a birth date after it.
    """
    if not isinstance(value, str):
        raise _error(field, T("公民身份号码须为18位字符串"))
    number = value.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (
            number[17].isdigit() or number[17] == "X"):
        raise _error(field, T("公民身份号码须为18位：17位数字加1位校验码（数字或X）"))
    if number[:2] not in _PROVINCES:
        raise _error(field, T("公民身份号码的地址码“{code}”不是内地省级行政区划代码",
                               code=number[:6]))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _error(field, T("公民身份号码中的出生日期“{birth}”不是有效日期",
                               birth=number[6:14])) from None
    if today is not None and born > today:
        raise _error(field, T("公民身份号码中的出生日期{birth}晚于今天", birth=born.isoformat()))
    if born.year < 1900:
        raise _error(field, T("公民身份号码中的出生日期“{birth}”不是有效日期",
                               birth=number[6:14]))
    want = check_character(number[:17])
    if number[17] != want:
        raise _error(field, T("公民身份号码的校验码不符（应为{want}），请核对号码", want=want))
    sex: Literal["male", "female"] = "male" if int(number[16]) % 2 else "female"
    return IdNumber(number, number[:6], born, sex)


def age_on(born: date, day: date) -> int:
    """Age in full years (周岁) on ``day`` of someone born on ``born``."""
    years = day.year - born.year
    try:
        birthday = born.replace(year=day.year)
    except ValueError:  # 29 February in a common year: the birthday is 1 March
        birthday = date(day.year, 3, 1)
    return years - (1 if day < birthday else 0)
