"""`tmdbsync status` as text: the story first, in 80 columns, whatever the number of months.

How far along (months done per kind and a picture of completion; in exports mode, titles stored
of the ids the newest export lists), when done, whether a sync runs,
what the last run did, how far behind the change feed is and what failed; then today's quota.
The month-by-month table is printed only when asked for (`--months`, `--since`).
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from tmdbsync.kinds import KINDS
from tmdbsync.status import DONE, OUTSIDE, RATE_DAYS

if TYPE_CHECKING:
    from rich.console import Console

INDENT = " " * 10
"""Where the text of a labelled line starts."""
YEARS_A_LINE = 5
"""A picture line: five years of twelve one-character months (a decade would need 130 columns)."""
MONTH_LETTERS = "JFMAMJJASOND"
NAMES = {"movie": "movies", "tv": "TV"}
FEED_NAMES = {**NAMES, "person": "people"}
PROVIDERS = {"tmdb": "TMDb", "omdb": "OMDb", "trakt": "Trakt"}
FAILING = {"tmdb": "people", "omdb": "OMDb lookups", "trakt": "Trakt lookups"}
# a month of the picture: both kinds done, one of them, neither, outside the range
BOTH, MOVIES_ONLY, TV_ONLY, NEITHER = "#", "m", "t", "."
STYLES = {BOTH: "green", MOVIES_ONLY: "yellow", TV_ONLY: "yellow", NEITHER: "dim"}
RUN_WORDS = {
    BOTH: "every month done",
    MOVIES_ONLY: "movies done, TV not",
    TV_ONLY: "TV done, movies not",
    NEITHER: "not started",
}


def _n(value: int | float, estimated: bool = False) -> str:
    return ("≈" if estimated else "") + f"{value:,}"


def _merge(movie: str, tv: str) -> str:
    """One character per month for both kinds."""
    out = []
    for m, t in zip(movie, tv, strict=True):
        if m == OUTSIDE and t == OUTSIDE:
            out.append(" ")
        else:
            out.append(
                {(True, True): BOTH, (True, False): MOVIES_ONLY, (False, True): TV_ONLY}.get(
                    (m == DONE, t == DONE), NEITHER
                )
            )
    return "".join(out)


def picture_lines(completion: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(label, months) per line of YEARS_A_LINE years; runs of uniform lines collapse into one."""
    years = list(completion[KINDS[0]])
    lines = []
    for start in range(0, len(years), YEARS_A_LINE):
        chunk = years[start : start + YEARS_A_LINE]
        months = " ".join(_merge(completion["movie"][y], completion["tv"][y]) for y in chunk)
        lines.append((chunk[0], chunk[-1], months))
    collapsed: list[tuple[str, str]] = []
    for uniform, run in groupby(lines, key=lambda line: _uniform(line[2])):
        group = list(run)
        if uniform is not None and len(group) > 1:
            collapsed.append((f"{group[0][0]}–{group[-1][1]}", RUN_WORDS[uniform]))
        else:
            collapsed += [(first, months) for first, _, months in group]
    return collapsed


def _uniform(months: str) -> str | None:
    """The one state every month of a line has, if it has only one."""
    states = set(months.replace(" ", ""))
    return states.pop() if len(states) == 1 else None


def _coloured(months: str, colour: bool) -> str:
    if not colour:
        return months
    return "".join(f"[{STYLES[c]}]{c}[/]" if c in STYLES else c for c in months)


def _progress(console: Console, report: dict[str, Any]) -> None:
    span = report["range"]
    console.print(
        f"[bold]Progress[/], months {span['start']} to {span['end']}; "
        f"time to go at the last {RATE_DAYS} days' pace",
        highlight=False,
    )
    for kind in KINDS:
        p = report["progress"][kind]
        days = p["days_to_finish"]
        if days == 0:
            outlook = "complete"
        else:
            pace = "pace unknown" if days is None else f"≈ {_days(days)}"
            outlook = f"at {p['working_on'] or 'start'}  {pace}"
        console.print(
            f"  {NAMES[kind]:<6} {_n(p['months_done']):>6} of {_n(p['months_in_range'])} "
            f"{p['percent_done']:5.1f} %  {_n(p['titles'], p['titles_estimated']):>9} titles  "
            f"{outlook}",
            highlight=False,
        )


def _exports_progress(console: Console, report: dict[str, Any]) -> None:
    """Exports mode: per kind, titles stored of the ids the newest applied export lists."""
    console.print(
        "[bold]Progress[/], titles stored of the ids in the newest export", highlight=False
    )
    for kind in KINDS:
        e = report["exports"][kind]
        if e["known"] is None:
            text = "no export applied yet"
        else:
            stored = _n(e["stored"], e["stored_estimated"])
            text = f"{stored:>10} of {_n(e['known']):>10}  ({e['export_day']})"
        console.print(f"  {NAMES[kind]:<6} {text}  {_n(e['queued'])} queued", highlight=False)
    p = report["exports"]["person"]
    if p["known"] is not None:  # people come from credits: held, not a share of the file
        console.print(
            f"  People {_n(p['stored'], p['stored_estimated']):>10} held, the file lists"
            f" {_n(p['known'])} ({p['export_day']})  {_n(p['deleted'])} marked deleted",
            highlight=False,
        )


def _days(days: float) -> str:
    return f"{days:.1f} days" if days < 10 else f"{round(days):,} days"


def _picture(console: Console, report: dict[str, Any]) -> None:
    colour = console.is_terminal and console.color_system is not None
    legend = "  ".join(
        f"{_coloured(c, colour)} {escape(word)}"
        for c, word in ((BOTH, "both"), (MOVIES_ONLY, "movies"), (TV_ONLY, "TV"), (NEITHER, "none"))
    )
    console.print(f"[bold]Months done[/]  {legend}", highlight=False)
    console.print("        " + " ".join([MONTH_LETTERS] * YEARS_A_LINE), highlight=False)
    for label, months in picture_lines(report["completion"]):
        if months in RUN_WORDS.values():
            console.print(f"  {label:<10} {months}", highlight=False)
        else:
            console.print(f"  {label:<5} {_coloured(months, colour)}", highlight=False)


def _hhmm(moment: str) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM`."""
    return moment[:16].replace("T", " ")


def _running(report: dict[str, Any]) -> str:
    running = report["running"]
    if running is None:
        return "no"
    holder = escape(running["holder"])
    age = running["heartbeat_age_seconds"]
    if running["stale"]:
        return f"no; {holder} died holding the lock {age // 60} min ago (the next sync takes it)"
    since = "" if running["since"] is None else f" since {_hhmm(running['since'])} UTC"
    return f"yes, {holder}{since} (heartbeat {age} s ago)"


def _last_run(report: dict[str, Any]) -> str:
    run = report["last_run"]
    if run is None:
        return "none recorded"
    started = f"{_hhmm(run['started_at'])} UTC"
    if run["died"]:
        return f"started {started} on {escape(run['host'])}, died (no end recorded)"
    minutes = (
        datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])
    ).total_seconds() / 60
    reason = escape(run["stop_reason"] or "")
    return (
        f"{started} for {minutes:.0f} min: exit {run['exit_code']}, {reason}\n{INDENT}"
        f"{run['titles_stored']:,} titles stored, {run['titles_skipped']:,} skipped, "
        f"{run['requests']:,} requests"
    )


def _change_feed(report: dict[str, Any]) -> str:
    """Per feed, how many days behind and how many titles wait for a refresh."""
    parts: dict[str, list[str]] = {}
    for feed, state in report["change_feed"].items():
        if state["lag_days"] is None:
            text = "not yet (it starts once every month is done)"
        else:
            behind = "up to date" if state["lag_days"] == 0 else f"{state['lag_days']} days behind"
            text = f"{behind}, {state['queued']:,} queued"
        parts.setdefault(text, []).append(FEED_NAMES[feed])
    return "; ".join(f"{_listed(feeds)} {text}" for text, feeds in parts.items())


def _listed(names: list[str]) -> str:
    """'movies', 'movies and TV', 'movies, TV and people'."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _skipped(report: dict[str, Any]) -> str:
    totals = report["totals"]
    parts = []
    if totals["skipped_titles"]:
        reasons = ", ".join(f"{n:,} {code}" for code, n in report["skipped_by_reason"].items())
        parts.append(
            f"{totals['skipped_titles']:,} titles ({reasons}), "
            f"{totals['skipped_due_for_retry']:,} due for retry"
        )
    others = report["dead_letters"]
    if others:
        parts.append(
            "also failing: " + ", ".join(f"{n:,} {FAILING.get(p, p)}" for p, n in others.items())
        )
    return "; ".join(parts) or "none"


def _quota(console: Console, report: dict[str, Any]) -> None:
    quota = report["quota"]
    console.print(f"[bold]Quota today[/] ({quota['day']} UTC)", highlight=False)
    for provider, name in PROVIDERS.items():
        if not quota[provider]["configured"]:
            continue
        cells = []
        for kind in KINDS:
            use = quota[provider][kind]
            limit = "unlimited" if use["limit"] is None else f"{use['limit']:,}"
            cells.append(f"{NAMES[kind]} {use['used']:,} of {limit}")
        console.print(f"  {name:<6} " + "   ".join(cells), highlight=False)


def render_status(console: Console, report: dict[str, Any], *, months: bool = False) -> None:
    """The story in about 30 lines of 80 columns; then, with `months`, the report's month rows."""
    console.print(f"[bold]tmdbsync status[/]  {_hhmm(report['generated_at'])} UTC", highlight=False)
    if report["exports"] is None:
        _progress(console, report)
        _picture(console, report)
    else:  # the months of discover mean nothing here
        _exports_progress(console, report)
    totals = report["totals"]
    facts = {
        "Running": _running(report),
        "Last run": _last_run(report),
        "Changes": _change_feed(report),
        "Skipped": _skipped(report),
        "People": f"{_n(totals['people'], totals['estimated'])} "
        f"({_n(totals['people_enriched'], totals['estimated'])} fetched)",
    }
    if report["quota"]["omdb"]["configured"]:
        facts["People"] += f"; OMDb pending {totals['omdb_pending']:,} titles"
    for label, text in facts.items():
        console.print(f"[bold]{label + ':':<{len(INDENT)}}[/]{text}", highlight=False)
    _quota(console, report)
    if months:
        render_months(console, report["sync_log"])
    elif report["exports"] is None:
        console.print("[dim]Every month: tmdbsync status --months (or --since YEAR)[/]")


def render_months(console: Console, rows: list[dict[str, Any]]) -> None:
    """The sync log, a row per (type, year, month)."""
    from rich.table import Table  # only with --months: the story needs no table

    log = Table(title="Sync log", title_justify="left")
    for column in ("type", "month", "done", "pages", "results", "last synced", "audited", "notes"):
        log.add_column(column, overflow="fold", no_wrap=column != "notes")
    for row in rows:
        total = "?" if row["total_pages"] is None else row["total_pages"]
        log.add_row(
            row["type"],
            f"{row['year']:04d}-{row['month']:02d}",
            "yes" if row["is_completed"] else "no",
            f"{row['last_completed_page']}/{total}",
            "" if row["total_results"] is None else str(row["total_results"]),
            (row["last_synced_at"] or "")[:16].replace("T", " "),
            (row["audited_at"] or "")[:10],
            row["notes"] or "",
        )
    console.print(log)
