"""How Hindi pages write dates, times and numbers (Django's own hi formats, corrected).

Django's hi locale has no DATETIME_FORMAT (so the English "N j, Y, P" gave "दिसम्बर 7, 2026"),
a 12-hour TIME_FORMAT whose a.m. and p.m. are both बजे, and Western digit grouping.
"""

DATE_FORMAT = "j F Y"  # 26 नवंबर 2026
DATETIME_FORMAT = "j F Y, H:i"  # 24-hour: no a.m./p.m. to confuse
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 26/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = (3, 2, 0)  # Indian grouping: 1,14,605 and 1,00,00,000
