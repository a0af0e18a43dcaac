"""How `audiopaper plan` shows a plan: JSON for tools, a rich tree for people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audiopaper.pipeline import Plan


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
    }


def print_plan(the_plan: Plan) -> None:
    from rich.console import Console
    from rich.tree import Tree

    edition = the_plan.edition
    tree = Tree(
        f"[bold]{edition.title}[/] ({len(edition.articles)} articles, "
        f"{len(the_plan.segments)} segments, voice {the_plan.profile.name})"
    )
    for index, article in enumerate(edition.articles):
        segments = [s for s in the_plan.segments if s.article_index == index]
        byline = f" — {article.byline}" if article.byline else ""
        branch = tree.add(f"[bold]{article.title}[/]{byline} [dim]({len(segments)} segments)[/]")
        for subtitle in article.subtitles:
            branch.add(f"[italic]{subtitle}[/]")
        for segment in segments[:3]:
            branch.add(f"{segment.spoken_text}", highlight=False)
        if len(segments) > 3:
            branch.add(f"[dim]… {len(segments) - 3} more[/]")
        for caption in article.captions:
            branch.add(f"[dim]caption (not read): {caption}[/]")
    Console().print(tree, highlight=False)
