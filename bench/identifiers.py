"""Benchmark tracebridge.identifiers against plain phonenumbers.parse, in the same run.

Times are CPU (process) seconds, and the phone comparison interleaves baseline and target chunk
by chunk, so that other jobs on a shared machine skew neither side.

1. Parse messy phone strings (default 1M; --smoke 100k) with identifiers.parse("phone", ...)
   and with phonenumbers.parse(...) on the same strings; print both throughputs and the ratio.
   Target: >= 2x phonenumbers (repeated values are cached, pre-filters are cheap).
2. extract() over generated narratives (default 100k; --smoke 5k), English and Hindi; print
   MB/s. Target: >= 5 MB/s.

Data is generated here, deterministically (seeded), not imported from tracebridge.simulate.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import phonenumbers
from rich.progress import Progress

from tracebridge.identifiers import extract, parse

DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def phone_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """(national digits, region): Indian mobiles and NANP numbers, as scam complaints carry."""
    pool = []
    for _ in range(size):
        if rng.random() < 0.6:
            pool.append((rng.choice("6789") + "".join(rng.choices("0123456789", k=9)), "IN"))
        else:
            area = rng.choice(["202", "212", "415", "646", "800", "888", "312", "713"])
            pool.append(
                (area + rng.choice("23456789") + "".join(rng.choices("0123456789", k=6)), "US")
            )
    return pool


def messy(rng: random.Random, digits: str, region: str) -> str:
    cc = "91" if region == "IN" else "1"
    a, b = (digits[:5], digits[5:]) if region == "IN" else (digits[:3], digits[3:])
    forms = [
        f"+{cc} {a} {b}", f"+{cc}-{digits}", f"{digits}", f"0{digits}" if region == "IN" else f"1{digits}",
        f"00{cc} {digits}", f"({digits[:3]}) {digits[3:6]}-{digits[6:]}", f"{digits[:3]}.{digits[3:6]}.{digits[6:]}",
        f" +{cc}{digits} ", f"{a}-{b}", f"+{cc} ({digits[:3]}) {digits[3:]}", f"Mob: +{cc} {a} {b}",
        f"+{cc} {a} {b}".translate(DEVANAGARI),
    ]  # fmt: skip
    return rng.choice(forms)


def phone_strings(n: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    pool = phone_pool(rng, max(1000, n // 50))
    # Scam numbers repeat: a few call centres account for most complaints (Zipf-like draw).
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(pool))]
    picks = rng.choices(pool, weights=weights, k=n)
    return [messy(rng, digits, region) for digits, region in picks]


TEMPLATES = [
    "On {date} at {time} I received a call from {phone} claiming to be from {org}. They said my "
    "account would be blocked and asked me to pay Rs {amount} to {upi}. UTR {utr}. I paid and "
    "then they stopped answering. Complaint no. {ack}.",
    "Caller {phone} said he was a police officer and that a parcel in my name had drugs. He sent a "
    "link {url} and asked me to transfer ${usd} to account {account} IFSC {ifsc}. Email: {email}",
    "मुझे {date} को {phone_hi} से कॉल आया। उन्होंने कहा कि मेरा KYC अपडेट करना है और {url} "
    "पर जाने को कहा। मैंने ₹ {amount} {upi} पर भेजे। लेनदेन संख्या {utr}।",
    "They asked me to buy gift cards worth ${usd} and send the codes to {email}, then to send "
    "bitcoin to {wallet}. Call back number {phone}. Order id {order}, reference {ref}.",
]


def narrative(rng: random.Random, phones: list[str]) -> str:
    d = "".join(rng.choices("0123456789", k=10))
    return rng.choice(TEMPLATES).format(
        date=f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/2026", time=f"{rng.randint(1, 12)}:{rng.randint(10, 59)}",
        phone=rng.choice(phones), phone_hi=rng.choice(phones).translate(DEVANAGARI),
        org=rng.choice(["SBI", "Amazon", "Microsoft", "the FBI", "TRAI"]),
        amount=f"{rng.randint(1, 99)},{rng.randint(100, 999)}", usd=f"{rng.randint(1, 9)},{rng.randint(100, 999)}.00",
        upi=f"user{d[:4]}@{rng.choice(['okaxis', 'ybl', 'paytm', 'oksbi'])}", utr=d + "42",
        ack="3151226" + d[:7], url=rng.choice(["hxxps://sbi-kyc[.]co[.]in/update", "www.amaz0n-refund.com/x"]),
        account="00" + d, ifsc="SBIN000" + d[:4], email=f"support{d[:3]}@paypal-help.net",
        wallet="bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", order=d[:8], ref="RF" + d,
    )  # fmt: skip


def timed(label: str, items: list[str], fn: Callable[[str], object], progress: Progress) -> float:
    """CPU seconds (process time: other jobs on a shared machine do not count) for fn(items)."""
    task = progress.add_task(label, total=len(items))
    spent = 0.0
    for chunk in chunks(items, 100):
        start = time.process_time()
        for item in chunk:
            fn(item)
        spent += time.process_time() - start
        progress.advance(task, len(chunk))
    return spent


def chunks(items: list[str], count: int) -> list[list[str]]:
    step = max(1, len(items) // count)
    return [items[i : i + step] for i in range(0, len(items), step)]


def compare(items: list[str], progress: Progress) -> tuple[float, float]:
    """Baseline and ours on the same strings, interleaved chunk by chunk so that load from other
    jobs falls on both alike; ours still sees the strings in order (its caches warm up)."""
    task = progress.add_task("phonenumbers.parse vs identifiers.parse", total=len(items))
    base = ours = 0.0
    for chunk in chunks(items, 100):
        start = time.process_time()
        for item in chunk:
            baseline_parse(item)
        middle = time.process_time()
        for item in chunk:
            parse("phone", item, "IN")
        base, ours = base + middle - start, ours + time.process_time() - middle
        progress.advance(task, len(chunk))
    return base, ours


def baseline_parse(text: str) -> object:
    try:
        return phonenumbers.parse(text, "IN")
    except phonenumbers.NumberParseException:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="small sizes (under ~30 s)")
    args = parser.parse_args()
    n_phones, n_texts = (100_000, 5_000) if args.smoke else (1_000_000, 100_000)
    phones = phone_strings(n_phones)
    rng = random.Random(7)
    texts = [narrative(rng, phones[:5000]) for _ in range(n_texts)]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    with Progress() as progress:
        base, ours = compare(phones, progress)
        ext = timed("identifiers.extract", texts, lambda s: extract(s, "IN"), progress)
    print(f"phone parse: phonenumbers.parse {n_phones / base:,.0f}/s, identifiers.parse "
          f"{n_phones / ours:,.0f}/s, ratio {base / ours:.2f}x (target >= 2x)")  # fmt: skip
    print(f"extract: {n_texts:,} narratives, {megabytes:.1f} MB in {ext:.1f} CPU s = {megabytes / ext:.1f} MB/s "
          f"(target >= 5 MB/s)")  # fmt: skip
    print(f"summary: phone ratio {base / ours:.2f}x, extract {megabytes / ext:.1f} MB/s")


if __name__ == "__main__":
    main()
