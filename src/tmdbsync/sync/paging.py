"""How many discover pages a listing takes and how many titles each lists: TMDb serves 500 at most.

Every page but the last lists PAGE_SIZE titles, the last the rest (`expected_on_page`), and the
pages needed follow from `total_results` as much as from `total_pages` (`pages_needed`), so a
`total_pages` that drops does not skip a page.
"""

from __future__ import annotations

TMDB_MAX_PAGE = 500
PAGE_SIZE = 20  # titles on every discover page but the last


def pages_needed(total_pages: int, total_results: int) -> int:
    """Pages the listing takes: a `total_pages` below what `total_results` needs is not trusted."""
    return max(total_pages, -(-total_results // PAGE_SIZE))


def expected_on_page(page: int, total_results: int) -> int:
    """Titles page `page` lists when the listing is whole (pages past TMDb's 500: none)."""
    if page > TMDB_MAX_PAGE:
        return 0
    return max(0, min(PAGE_SIZE, total_results - (page - 1) * PAGE_SIZE))
