"""A rich table of what ``explain`` did: each rewritten span, its rule and its reading."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from audiopaper.normalize.model import Explanation


def _rewrites_table(explanation: Explanation) -> Table:
    table = Table(title="rewrites", show_lines=False)
    table.add_column("span", justify="right", style="dim")
    table.add_column("written")
    table.add_column("rule", style="cyan")
    table.add_column("spoken", style="green")
    for rw in explanation.rewrites:
        table.add_row(f"{rw.start}–{rw.end}", rw.source, rw.rule, rw.spoken)
    return table


def _unhandled_table(explanation: Explanation) -> Table:
    table = Table(title="left as written (unhandled)", title_style="bold yellow")
    table.add_column("at", justify="right", style="dim")
    table.add_column("text", style="yellow")
    table.add_column("reason")
    for item in explanation.unhandled:
        table.add_row(str(item.position), item.text, item.reason)
    return table


def render_explanation(explanation: Explanation, console: Console) -> None:
    """Print the spoken text, the rewrites and anything left unhandled."""
    console.print(f"[bold]written[/bold] {explanation.source}", markup=True, highlight=False)
    console.print(f"[bold]spoken[/bold]  {explanation.spoken}", markup=True, highlight=False)
    if explanation.rewrites:
        console.print(_rewrites_table(explanation))
    if explanation.unhandled:
        console.print(_unhandled_table(explanation))
