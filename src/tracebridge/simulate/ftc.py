"""The FTC's daily Do Not Call complaint file, with the messy rows real files have:
empty and short numbers, a leading 1, state abbreviations, empty cities, missing dates."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime
from typing import TextIO

from tracebridge.simulate import catalog, ids
from tracebridge.simulate.world import DAYS, START_EPOCH, Campaign, World

HEADER = (
    "Company_Phone_Number",
    "Created_Date",
    "Violation_Date",
    "Consumer_City",
    "Consumer_State",
    "Consumer_Area_Code",
    "Subject",
    "Recorded_Message_Or_Robocall",
)
SUBJECTS = {
    "tech_support": "Computer & technical support",
    "government_impersonation": "Calls pretending to be government, businesses, or family and friends",
    "customer_care": "Calls pretending to be government, businesses, or family and friends",
    "debt_relief": "Reducing your debt (credit cards, mortgage, student loans)",
    "lottery_prize": "Lotteries, prizes & sweepstakes",
    "job_offer": "Work from home",
}
OTHER_SUBJECTS = (
    "Warranties & protection plans",
    "Medical & prescriptions",
    "Other",
    "Dropped call or no message",
    "Energy, solar, & utilities",
)


def write(world: World, seed: int, out: TextIO, n: int) -> int:
    rng = random.Random(f"{seed}:ftc-dnc")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    us = [c for c in world.campaigns if "US" in c.countries]
    for _ in range(n):
        writer.writerow(_row(rng, world, us))
    return n


def _row(rng: random.Random, world: World, us: list[Campaign]) -> list[str]:
    roll = rng.random()
    day = rng.randint(1, DAYS - 1)
    robocall = rng.random() < 0.7
    if roll < 0.6 and us:
        campaign = rng.choice(us)
        day = rng.randint(campaign.start_day, campaign.end_day)
        number = _campaign_number(rng, campaign, day)
        subject = SUBJECTS.get(rng.choice(campaign.scam_types["US"]), "Other")
    elif roll < 0.75:
        number, subject = rng.choice(world.reminder_callers), "Medical & prescriptions"
    else:
        number, subject = ids.us_line(rng), rng.choice(OTHER_SUBJECTS)
    state, abbr, city = rng.choice(catalog.US_STATES)
    created = START_EPOCH + day * 86400 + rng.randint(0, 86399)
    violation = created - rng.randint(0, 5 * 86400)
    row = [
        number[2:],
        _stamp(created),
        _stamp(violation),
        city,
        state,
        str(rng.choice(catalog.US_AREA_CODES)),
        subject,
        "Y" if robocall else "",
    ]
    return _mess(rng, row, abbr)


def _campaign_number(rng: random.Random, campaign: Campaign, day: int) -> str:
    phones = [p for p in campaign.epoch_at(day).phones if p.startswith("+1")]
    if phones and rng.random() < 0.6:
        return rng.choice(phones)
    return ids.us_line(rng)  # a spoofed number: some real subscriber's


def _stamp(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _mess(rng: random.Random, row: list[str], abbr: str) -> list[str]:
    roll = rng.random()
    if roll < 0.03:
        row[0] = ""  # consumer did not give the number
    elif roll < 0.05:
        row[0] = row[0][3:]  # seven digits, no area code
    elif roll < 0.07:
        row[0] = "1" + row[0]
    elif roll < 0.08:
        row[0] = f"({row[0][:3]}) {row[0][3:6]}-{row[0][6:]}"
    if rng.random() < 0.05:
        row[4] = abbr
    if rng.random() < 0.05:
        row[3] = ""
    if rng.random() < 0.03:
        row[2] = ""
    if rng.random() < 0.02:
        row[3], row[4] = row[4], row[3]  # misplaced fields
    return row
