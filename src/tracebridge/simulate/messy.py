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
    forms = (
        address,
        _case(rng, address),
        f"{local} [at] {domain}",
        f"{local}(at){domain}",
        address.upper(),
    )
    return rng.choice(forms)


def upi(rng: random.Random, vpa: str) -> str:
    return rng.choice((vpa, _case(rng, vpa), f"UPI ID {vpa}", vpa.upper()))


def account(rng: random.Random, number: str) -> str:
    if rng.random() < 0.7 or len(number) < 8:
        return number
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def _case(rng: random.Random, text: str) -> str:
    """Mixed case the way a phone keyboard's auto-capitalisation or a victim leaves it."""
    if rng.random() < 0.5:
        return text[:1].upper() + text[1:]
    return "".join(c.upper() if rng.random() < 0.3 else c for c in text)
