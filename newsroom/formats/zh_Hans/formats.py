"""Simplified Chinese input formats: ISO dates (2021-03-19) first, as the paper's pages and the
archive write them; Django's own put 2021/03/19 first, and the admin's date widgets (its inputs
and the calendar's JavaScript, through jsi18n) write the first format. Everything else is Django's."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2021-03-19'
    "%Y/%m/%d",  # '2021/03/19'
    "%Y年%n月%j日",  # '2021年3月19日'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y年%n月%j日 %H:%M",
    "%Y年%n月%j日 %H:%M:%S",
    "%Y年%n月%j日 %H:%M:%S.%f",
]
