"""Identifiers written the ways victims write them: spaced, bracketed, national and
international, defanged, mixed case. Each form still parses back to the canonical key."""

from __future__ import annotations

import random


def phone(rng: random.Random, e164: str) -> str:
    forms: tuple[str, ...] = (e164,)
    if e164.startswith("+1"):
        n = e164[2:]
        forms = (
            f"({n[:3]}) {n[3:6]}-{n[6:]}",
            f"{n[:3]}-{n[3:6]}-{n[6:]}",
            f"{n[:3]}.{n[3:6]}.{n[6:]}",
            f"1-{n[:3]}-{n[3:6]}-{n[6:]}",
            f"+1 {n[:3]} {n[3:6]} {n[6:]}",
            n,
            e164,
        )
    elif e164.startswith("+911800"):
        # Toll-free: "91" glued to it would read as a mobile number, so victims never do it.
        n = e164[3:]
        forms = (n, f"{n[:4]} {n[4:]}", f"{n[:4]}-{n[4:]}", f"+91 {n[:4]} {n[4:]}")
    elif e164.startswith("+91"):
        n = e164[3:]
        forms = (f"{n[:5]} {n[5:]}", f"+91-{n}", f"0{n}", f"+91 {n[:5]} {n[5:]}", f"91{n}", n, e164)
    return rng.choice(forms)


def url(rng: random.Random, domain: str) -> str:
    path = rng.choice(("", "/", "/login", "/verify", "/support/ticket", "/app/download"))
    forms = (
        f"https://{domain}{path}",
        f"http://www.{domain}{path}",
        f"www.{_case(rng, domain)}",
        f"hxxps://{domain.replace('.', '[.]', 1)}{path}",
        domain.replace(".", "[.]"),
        f"{domain.replace('.', '[dot]', 1)}",
        _case(rng, domain),
    )
    return rng.choice(forms)


def email(rng: random.Random, address: str) -> str:
    local, domain = address.split("@", 1)
    forms = (address, _case(rng, address), f"{local}(at){domain}", address.upper())
    return rng.choice(forms)


def email_in_text(rng: random.Random, address: str) -> str:
    """Narratives also carry the spaced-out defanging that web forms would refuse."""
    local, domain = address.split("@", 1)
    return f"{local} [at] {domain}" if rng.random() < 0.3 else email(rng, address)


def amount(cents: int, currency: str) -> str:
    """``1,234.50 USD``; rupees in lakh grouping as Indians write them: ``₹3,10,242``."""
    if currency == "USD":
        return f"{cents / 100:,.2f} USD"
    whole = str(cents // 100)
    head, tail = whole[:-3], whole[-3:]
    groups: list[str] = []
    while len(head) > 2:
        head, groups = head[:-2], [head[-2:], *groups]
    return "₹" + ",".join([g for g in [head, *groups] if g] + [tail])


def _case(rng: random.Random, text: str) -> str:
    """Mixed case the way a phone keyboard's auto-capitalisation or a victim leaves it."""
    if rng.random() < 0.5:
        return text[:1].upper() + text[1:]
    return "".join(c.upper() if rng.random() < 0.3 else c for c in text)
