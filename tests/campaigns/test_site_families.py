"""A website judged as one candidate: its domain with all its URLs (issue 19.3; an option,
``LinkParams(judge_sites=True)``, off by default: docs/campaigns.md says why).

A site's pages are keys of their own, each named by a few complaints: below the hub threshold,
they would chain unrelated campaigns before the domain itself is judged, and the domain would
then straddle nothing.
"""

from __future__ import annotations

from tracebridge.campaigns.linking import Graph, LinkParams, link

SITES = LinkParams(judge_sites=True)

SITE = "domain:help-desk-example.com"


def _campaigns(n: int, size: int) -> list[tuple[int, str]]:
    return [(c * 100 + i, f"upi:c{c}@ok") for c in range(n) for i in range(size)]


def _site_pages_across(n: int) -> list[tuple[int, str]]:
    """Page p is named by one complaint of campaign p % n and one of the next campaign."""
    pairs = []
    for p in range(2 * n):
        for complaint in (p % n * 100 + p // n, (p + 1) % n * 100 + 3 + p // n):
            pairs += [(complaint, f"url:https://help-desk-example.com/p{p}"), (complaint, SITE)]
    return pairs


def test_an_impersonated_site_is_refused_with_all_its_pages() -> None:
    result = link(Graph.from_pairs(_campaigns(4, 6) + _site_pages_across(4)), params=SITES)
    assert sorted(map(len, result.groups)) == [6, 6, 6, 6]
    refused = {h.key: h for h in result.hubs}
    assert SITE in refused and len(refused) == 9  # the domain and its 8 pages
    page = refused["url:https://help-desk-example.com/p3"]
    assert page.reason == "statistical" and page.groups == 4 and page.degree == 16
    assert "judged as one site: domain:help-desk-example.com and its 8 other keys" in page.detail


def test_a_campaigns_own_site_with_many_pages_still_links() -> None:
    own = [(i, f"url:https://pay-example.in/k{i % 3}") for i in range(12)]
    own += [(i, "domain:pay-example.in") for i in range(12)]
    result = link(Graph.from_pairs([*own, (50, "upi:x@ok"), (51, "upi:x@ok")]), params=SITES)
    assert result.groups == [list(range(12)), [50, 51]]
    assert result.hubs == []


def test_pages_below_the_threshold_with_no_busy_site_link_as_before() -> None:
    pairs = [(1, "url:https://a-example.net/x"), (2, "url:https://a-example.net/x")]
    pairs += [(2, "url:https://a-example.net/y"), (3, "url:https://a-example.net/y")]
    result = link(Graph.from_pairs(pairs), params=SITES)
    assert result.groups == [[1, 2, 3]] and result.hubs == []


def test_off_by_default_the_pages_chain_the_campaigns_first() -> None:
    result = link(Graph.from_pairs(_campaigns(4, 6) + _site_pages_across(4)))
    assert [len(g) for g in result.groups] == [24] and result.hubs == []
