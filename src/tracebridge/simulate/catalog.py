"""Static facts the simulated world draws from: numbering plans, banks, mixes of scam types,
channels and payments per country, and the legitimate identifiers scammers impersonate.

Mixes follow public reporting (FTC Consumer Sentinel and Do Not Call data books, FBI IC3
annual and elder-fraud reports, I4C/NCRP statements); docs/simulate.md lists the assumptions.
"""

from __future__ import annotations

Mix = tuple[tuple[str, float], ...]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ---------------------------------------------------------------- numbering plans
US_AREA_CODES = _words(
    "201 202 203 205 206 207 208 209 210 212 213 214 215 216 217 218 219 224 225 228 229 231 "
    "234 239 240 248 251 252 253 254 256 260 262 267 269 270 272 276 281 301 302 303 304 305 "
    "307 308 309 310 312 313 314 315 316 317 318 319 320 321 323 325 330 331 334 336 337 339 "
    "346 347 351 352 360 361 385 386 401 402 404 405 406 407 408 409 410 412 413 414 415 417 "
    "419 423 424 425 430 432 434 435 440 442 443 458 469 470 475 478 479 480 484 501 502 503 "
    "504 505 507 508 509 510 512 513 515 516 517 518 520 530 540 541 551 559 561 562 563 567 "
    "570 571 573 574 575 580 585 586 601 602 603 605 606 607 608 609 610 612 614 615 616 617 "
    "618 619 620 623 626 628 630 631 636 641 646 650 651 657 660 661 662 667 669 678 681 682 "
    "701 702 703 704 706 707 708 712 713 714 715 716 717 718 719 720 724 725 727 731 732 734 "
    "737 740 747 754 757 760 762 763 765 769 770 772 773 774 775 779 781 785 786 801 802 803 "
    "804 805 806 808 810 812 813 814 815 816 817 818 828 830 831 832 843 845 847 848 850 856 "
    "857 858 859 860 862 863 864 865 870 872 878 901 903 904 906 907 908 909 910 912 913 914 "
    "915 916 917 918 919 920 925 928 929 931 936 937 938 940 941 947 949 951 952 954 956 959 "
    "970 971 972 973 978 979 980 984 985 989"
)
US_TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")
# Mobile series of Delhi NCR, Jharkhand (Jamtara), Bihar, Haryana (Mewat), Rajasthan, Bengal.
IN_MOBILE_SERIES = _words(
    "98101 98110 98180 98710 99580 98990 97110 88260 88000 70110 70420 95820 96500 98730 80100 "
    "62010 62900 70040 72500 93340 94310 94700 95700 99340 99550 90040 91670 73030 78270 63670 "
    "90790 77380 81300 84470 70650"
)

# ---------------------------------------------------------------- banks and payment handles
# IFSC bank code -> (bank, account number length)
IN_BANKS = {
    "SBIN": ("State Bank of India", 11),
    "HDFC": ("HDFC Bank", 14),
    "ICIC": ("ICICI Bank", 12),
    "UTIB": ("Axis Bank", 15),
    "PUNB": ("Punjab National Bank", 16),
    "BARB": ("Bank of Baroda", 14),
    "CNRB": ("Canara Bank", 13),
    "UBIN": ("Union Bank of India", 15),
    "KKBK": ("Kotak Mahindra Bank", 10),
    "YESB": ("Yes Bank", 15),
    "IDIB": ("Indian Bank", 10),
    "INDB": ("IndusInd Bank", 12),
    "FDRL": ("Federal Bank", 14),
    "AIRP": ("Airtel Payments Bank", 10),
}
# Real ABA routing numbers of large US banks (valid 3-7-1 checksums).
US_BANKS = {
    "021000021": "JPMorgan Chase Bank",
    "071000013": "JPMorgan Chase Bank",
    "026009593": "Bank of America",
    "011000138": "Bank of America",
    "122000661": "Bank of America",
    "121000248": "Wells Fargo Bank",
    "091000019": "Wells Fargo Bank",
    "111000025": "Bank of America",
    "031176110": "Capital One",
    "061000104": "Truist Bank",
    "044000037": "JPMorgan Chase Bank",
}
UPI_HANDLES = {
    "ybl": "Yes Bank",
    "ibl": "ICICI Bank",
    "axl": "Axis Bank",
    "okaxis": "Axis Bank",
    "oksbi": "State Bank of India",
    "okhdfcbank": "HDFC Bank",
    "okicici": "ICICI Bank",
    "paytm": "Paytm Payments Bank",
    "apl": "Axis Bank",
    "upi": "Bank of Baroda",
}
EXCHANGES = ("Binance", "OKX", "WazirX", "Kraken", "Coinbase", "Bybit")
FOREIGN_ACCOUNT_BANKS = ("ICIC", "HDFC", "UTIB", "SBIN", "YESB")

# ---------------------------------------------------------------- who is targeted, how
US_SCAMS: Mix = (
    ("tech_support", 0.2),
    ("government_impersonation", 0.2),
    ("customer_care", 0.14),
    ("investment", 0.12),
    ("romance", 0.1),
    ("lottery_prize", 0.08),
    ("job_offer", 0.06),
    ("debt_relief", 0.05),
    ("sextortion", 0.05),
)
# The categories Indian victims recognise (issue 23, point 12), after I4C's statements: trading
# and stock-tip frauds and digital arrests lead by losses; UPI collect requests, SIM swaps and
# AEPS withdrawals are the Jamtara/Nuh trade; betting apps and task jobs run from the same
# compounds abroad.
IN_SCAMS: Mix = (
    ("investment", 0.1),
    ("demat_stock_tips", 0.08),
    ("digital_arrest", 0.1),
    ("kyc_update", 0.09),
    ("upi_collect", 0.09),
    ("job_offer", 0.09),
    ("loan_app", 0.08),
    ("betting_gaming", 0.06),
    ("customer_care", 0.05),
    ("sim_swap", 0.05),
    ("aeps", 0.05),
    ("sextortion", 0.05),
    ("utility", 0.05),
    ("tech_support", 0.03),
    ("bec", 0.03),
)
CHANNELS: dict[str, Mix] = {
    "tech_support": (("website", 0.4), ("phone_call", 0.35), ("robocall", 0.15), ("email", 0.1)),
    "government_impersonation": (("robocall", 0.5), ("phone_call", 0.4), ("sms", 0.1)),
    "digital_arrest": (("whatsapp", 0.6), ("phone_call", 0.4)),
    "kyc_update": (("sms", 0.6), ("phone_call", 0.3), ("whatsapp", 0.1)),
    "investment": (("whatsapp", 0.4), ("social_media", 0.4), ("app", 0.2)),
    "loan_app": (("app", 0.8), ("sms", 0.2)),
    "job_offer": (("whatsapp", 0.6), ("sms", 0.2), ("social_media", 0.2)),
    "lottery_prize": (("phone_call", 0.5), ("email", 0.3), ("sms", 0.2)),
    "romance": (("social_media", 0.7), ("app", 0.3)),
    "customer_care": (("phone_call", 0.45), ("website", 0.3), ("robocall", 0.25)),
    "sextortion": (("social_media", 0.5), ("whatsapp", 0.5)),
    "debt_relief": (("robocall", 0.7), ("phone_call", 0.3)),
    "utility": (("sms", 0.8), ("whatsapp", 0.2)),
    "sim_swap": (("phone_call", 0.6), ("sms", 0.4)),
    "aeps": (("other", 0.6), ("phone_call", 0.4)),
    "bec": (("email", 1.0),),
    "betting_gaming": (("app", 0.5), ("telegram", 0.3), ("instagram", 0.2)),
    "upi_collect": (("app", 0.5), ("whatsapp", 0.3), ("phone_call", 0.2)),
    "demat_stock_tips": (("whatsapp", 0.5), ("telegram", 0.3), ("app", 0.2)),
}
US_PAYMENTS: dict[str, Mix] = {
    "default": (
        ("gift_card", 0.3),
        ("wire", 0.3),
        ("crypto", 0.25),
        ("payment_app", 0.1),
        ("cash", 0.05),
    ),
    "investment": (("crypto", 0.6), ("wire", 0.4)),
    "romance": (("wire", 0.4), ("crypto", 0.35), ("gift_card", 0.25)),
    "government_impersonation": (
        ("gift_card", 0.35),
        ("crypto", 0.3),
        ("wire", 0.2),
        ("cash", 0.15),
    ),
}
IN_PAYMENTS: dict[str, Mix] = {
    "default": (("upi", 0.65), ("bank_transfer", 0.3), ("card", 0.05)),
    "digital_arrest": (("bank_transfer", 0.7), ("upi", 0.3)),
    "investment": (("bank_transfer", 0.55), ("upi", 0.35), ("crypto", 0.1)),
    "demat_stock_tips": (("bank_transfer", 0.6), ("upi", 0.4)),
    "upi_collect": (("upi", 1.0),),
    "sim_swap": (("bank_transfer", 0.6), ("upi", 0.4)),
    "aeps": (("bank_transfer", 1.0),),  # withdrawn through Aadhaar; the trail is the bank's
    "bec": (("bank_transfer", 1.0),),
    "betting_gaming": (("upi", 0.8), ("crypto", 0.2)),
}
# (median, lognormal sigma) of a loss, in the victim's currency.
US_LOSS = {
    "default": (1500.0, 1.1),
    "investment": (18000.0, 1.2),
    "romance": (9000.0, 1.2),
    "tech_support": (2500.0, 1.1),
}
IN_LOSS = {
    "default": (28000.0, 1.2),
    "digital_arrest": (450000.0, 1.0),
    "investment": (300000.0, 1.1),
    "loan_app": (6000.0, 0.9),
    "demat_stock_tips": (250000.0, 1.1),
    "bec": (800000.0, 1.0),
    "sim_swap": (90000.0, 1.0),
    "aeps": (15000.0, 0.8),
    "upi_collect": (12000.0, 0.9),
    "betting_gaming": (40000.0, 1.1),
}

# ---------------------------------------------------------------- what scammers impersonate
# Real public helplines and sites: victims name them whatever campaign called them.
TRAP_PHONES = {
    "tech_support": ("+18006427676", "+18002752273"),  # Microsoft, Apple support
    "customer_care": ("+18882804331", "+911800112211"),  # Amazon US, a bank helpline in India
    "government_impersonation": ("+18008291040", "+18007721213"),  # IRS, SSA
    "digital_arrest": ("+911800425380",),
    "kyc_update": ("+9118001234", "+911800112211"),  # SBI helplines
}
TRAP_DOMAINS = {
    "tech_support": ("microsoft.com", "apple.com"),
    "customer_care": ("amazon.com", "amazon.in"),
    "government_impersonation": ("irs.gov", "ssa.gov"),
    "digital_arrest": ("cbi.gov.in",),
    "kyc_update": ("onlinesbi.sbi", "rbi.org.in"),
    "investment": ("binance.com",),
}
FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "protonmail.com", "rediffmail.com")
SCAM_TLDS = ("com", "in", "co.in", "online", "xyz", "site", "support", "net", "info")
DOMAIN_WORDS = {
    "tech_support": (
        ("secure", "pc", "windows", "micro", "tech"),
        ("helpdesk", "fix", "care", "support", "alert"),
    ),
    "customer_care": (("amzn", "prime", "order", "refund"), ("support", "desk", "care", "help")),
    "government_impersonation": (("ssa", "federal", "tax", "gov"), ("case", "verify", "portal")),
    "digital_arrest": (("cbi", "ncb", "customs", "cyber"), ("case", "verify", "notice")),
    "kyc_update": (("sbi", "kyc", "bank", "yono"), ("update", "verify", "secure", "reward")),
    "investment": (
        ("crypto", "trade", "stock", "nifty", "gold"),
        ("pro", "capital", "fx", "vip", "invest"),
    ),
    "job_offer": (("task", "daily", "earn", "work"), ("job", "hub", "pay", "review")),
    "loan_app": (("instant", "quick", "easy", "cash"), ("loan", "rupee", "credit")),
    "betting_gaming": (("cric", "ipl", "teen", "lucky", "royal"), ("bet", "win", "patti", "game")),
    "demat_stock_tips": (
        ("nifty", "sensex", "stock", "bull"),
        ("tips", "calls", "advisory", "club"),
    ),
    "lottery_prize": (("mega", "lucky", "prize"), ("draw", "winner", "claim")),
    "romance": (("true", "love", "soul"), ("match", "date", "heart")),
}
ALIAS_FIRST = (
    "david",
    "kevin",
    "john",
    "mark",
    "steve",
    "rahul",
    "amit",
    "priya",
    "neha",
    "raj",
    "vikram",
    "officer",
    "agent",
    "helpdesk",
)
ALIAS_ROLE = ("support", "care", "desk", "service", "claims", "refunds", "verify", "team")
ALIAS_NAMES = (
    "David Miller",
    "Kevin Smith",
    "John Wilson",
    "Officer Mark Brown",
    "Rahul Sharma",
    "Vikram Singh",
    "Inspector Rajesh Kumar",
    "Priya Verma",
    "Neha Gupta",
    "Steve Johnson",
    "Agent Daniel Lee",
    "Amit Patel",
)

# ---------------------------------------------------------------- victims
US_STATES = (
    ("Florida", "FL", "Tampa"),
    ("California", "CA", "Los Angeles"),
    ("Texas", "TX", "Houston"),
    ("New York", "NY", "Buffalo"),
    ("Pennsylvania", "PA", "Philadelphia"),
    ("Ohio", "OH", "Columbus"),
    ("Arizona", "AZ", "Phoenix"),
    ("Georgia", "GA", "Atlanta"),
    ("Michigan", "MI", "Detroit"),
    ("Illinois", "IL", "Chicago"),
    ("New Jersey", "NJ", "Newark"),
    ("Virginia", "VA", "Richmond"),
)
IN_STATES = (
    ("Maharashtra", "Mumbai"),
    ("Karnataka", "Bengaluru"),
    ("Delhi", "New Delhi"),
    ("Uttar Pradesh", "Lucknow"),
    ("Telangana", "Hyderabad"),
    ("Tamil Nadu", "Chennai"),
    ("Gujarat", "Ahmedabad"),
    ("West Bengal", "Kolkata"),
    ("Rajasthan", "Jaipur"),
    ("Kerala", "Kochi"),
    ("Haryana", "Gurugram"),
)
US_NAMES = (
    (
        "Mary",
        "James",
        "Linda",
        "Robert",
        "Patricia",
        "Michael",
        "Barbara",
        "William",
        "Susan",
        "Richard",
    ),
    (
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
    ),
)
IN_NAMES = (
    ("Ramesh", "Sunita", "Anil", "Kavita", "Suresh", "Meena", "Arjun", "Pooja", "Vijay", "Lakshmi"),
    ("Sharma", "Verma", "Iyer", "Reddy", "Patel", "Nair", "Das", "Yadav", "Rao", "Mehta"),
)
AGE_BANDS: Mix = (
    ("18-29", 0.15),
    ("30-39", 0.17),
    ("40-49", 0.16),
    ("50-59", 0.17),
    ("60-69", 0.18),
    ("70+", 0.17),
)

# ---------------------------------------------------------------- carriers
US_CARRIERS = ("AT&T", "Verizon", "T-Mobile", "Comcast", "Charter", "Lumen")
TRANSIT_CARRIERS = ("Inteliquent", "Bandwidth", "Peerless Network", "Lumen Transit")
GATEWAY_CARRIERS = ("Global Gateway VoIP LLC", "NorthStar Intl Transit", "Telx Wholesale")
FOREIGN_CARRIERS = (
    "IN-Tata Communications",
    "IN-VoIP Wholesale Pvt",
    "PH-Globe Carrier",
    "KH-Metfone Intl",
)
