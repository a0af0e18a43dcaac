"""How `audiopaper plan` shows a plan: JSON for tools, a rich tree for people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audiopaper.pipeline import DryRun, Plan


def plan_as_dict(the_plan: Plan) -> dict[str, Any]:
    edition = the_plan.edition
    articles = []
    for index, article in enumerate(edition.articles):
        segments = [s for s in the_plan.segments if s.article_index == index]
        articles.append(
            {
                "title": article.title,
                "subtitles": list(article.subtitles),
                "byline": article.byline,
                "captions": list(article.captions),
                "page": article.page,  # the page it was printed on; null for a single page
                "opened_by": article.opened_by,
                "segments": [
                    {
                        "source_text": s.source_text,
                        "spoken_text": s.spoken_text,
                        "role": s.role.value,
                    }
                    for s in segments
                ],
            }
        )
    return {
        "title": edition.title,
        "paper": edition.paper,
        "date": edition.date.isoformat(),
        "voice": the_plan.profile.name,
        "articles": articles,
        "unspoken": list(the_plan.unspoken),
        "notes": list(edition.notes),
    }


def print_plan(the_plan: Plan) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    edition = the_plan.edition
    tree = Tree(
        f"[bold]{escape(edition.title)}[/] ({len(edition.articles)} articles, "
        f"{len(the_plan.segments)} segments, voice {escape(the_plan.profile.name)})"
    )
    for index, article in enumerate(edition.articles):
        segments = [s for s in the_plan.segments if s.article_index == index]
        byline = f" — {escape(article.byline)}" if article.byline else ""
        byline += f" [dim](第{article.page}版)[/]" if article.page is not None else ""
        branch = tree.add(
            f"[bold]{escape(article.title)}[/]{byline} [dim]({len(segments)} segments)[/]"
        )
        if article.opened_by:
            branch.add(f"[dim]opened because: {escape(article.opened_by)}[/]")
        for segment in segments[:3]:
            branch.add(escape(segment.spoken_text), highlight=False)
        if len(segments) > 3:
            branch.add(f"[dim]… {len(segments) - 3} more[/]")
        for caption in article.captions:
            branch.add(f"[dim]caption (not read): {escape(caption)}[/]")
    console = Console()
    console.print(tree, highlight=False)
    for line in the_plan.unspoken:  # never dropped silently: say what and where
        console.print(f"[yellow]{escape(line)}[/]", highlight=False)


def print_dry_run(run: DryRun) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    edition = run.plan.edition
    if run.unchanged:
        console.print(f"{escape(edition.title)}: up to date; a build would change nothing.")
        return
    table = Table("article", "segments", "reuse", "synthesize", title=escape(edition.title))
    titles = ["(opening and closing)"] + [a.title for a in edition.articles]
    for index, title in enumerate(titles):
        article = None if index == 0 else index - 1
        mine = [i for i, job in enumerate(run.jobs) if job.segment.article_index == article]
        reused = sum(1 for i in mine if i in run.cached)
        table.add_row(escape(title), str(len(mine)), str(reused), str(len(mine) - reused))
    console.print(table)
    todo = len(run.jobs) - len(run.cached)
    console.print(
        f"would reuse {len(run.cached)} and synthesize {todo} of {len(run.jobs)} segments"
    )
