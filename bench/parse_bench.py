"""How well `plan` finds the articles of real newspaper pages, clean and PDF-like.

usage: python bench/parse_bench.py [--quick] [--pdf-like] [--seed N]

Scores the pages in ../shared/real-pages (beside the project, not part of it) with that
folder's own scorer, score_real_pages.py, and prints its table: articles expected and
announced, found with the right headline, bylines right, false articles, must-not-read text
leaked. With --pdf-like it scores PDF-like variants of the same pages, made in a temp folder
(never kept): every block wrapped at one column width (12–25 characters), long paragraphs
cut mid-sentence at a column end with a blank line (and sometimes a running head and page
number) between the pieces, a running head on top, and one story's headline printed after
its body. --quick scores two pages only.
Without ../shared/real-pages it says so and exits cleanly.
Then it times PDF reading (pages per second) on typeset pages with bench/pdf_bench.py;
--no-pdf leaves that out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "real-pages"
SCORER = "score_real_pages.py"
QUICK_PAGES = ("rmrb-2026-05-15-p05", "mrdx-2026-04-28-p05")
# the papers' names, for the running heads of the PDF-like variants
PAPERS = {"rmrb": "人民日报", "mrdx": "新华每日电讯", "xxsb": "学习时报", "beibei": "北碚报"}
WEEKDAYS = "一二三四五六日"
CUT_EVERY = 4  # one long paragraph in this many is cut at a column end
CUT_MIN = 60  # characters: shorter paragraphs are not cut
_BYLINE = re.compile(r"记者|通讯员|评论员")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two pages only")
    parser.add_argument("--pdf-like", action="store_true", help="score PDF-like variants")
    parser.add_argument("--seed", type=int, default=7, help="seed for the PDF-like variants")
    parser.add_argument("--no-pdf", action="store_true", help="do not time PDF reading")
    args = parser.parse_args()
    scored = score_pages(args)
    if not args.no_pdf:
        print(time_pdf_reading(quick=args.quick))
    return scored


def time_pdf_reading(*, quick: bool) -> str:
    """PDF reading speed, from bench/pdf_bench.py in the project's environment."""
    command = ["uv", "run", "--quiet", "python", str(ROOT / "bench" / "pdf_bench.py")]
    done = subprocess.run(
        [*command, "--quick"] if quick else command, capture_output=True, text=True, cwd=ROOT
    )
    return done.stdout if done.returncode == 0 else f"pdf_bench failed: {done.stderr[-500:]}"


def score_pages(args: argparse.Namespace) -> int:
    if not (PAGES / SCORER).exists():
        print(f"parse_bench: skipped: {PAGES} is not here (it sits beside the project only)")
        return 0
    names = [p.name[: -len("-expected.json")] for p in sorted(PAGES.glob("*-expected.json"))]
    if args.quick:
        names = [n for n in names if n in QUICK_PAGES]
    with tempfile.TemporaryDirectory(prefix="parse-bench-") as work:
        folder = Path(work)
        shutil.copy(PAGES / SCORER, folder / SCORER)
        shutil.copy(PAGES / "check_plan.py", folder / "check_plan.py")
        rng = random.Random(args.seed)
        for name in names:
            shutil.copy(PAGES / f"{name}-expected.json", folder / f"{name}-expected.json")
            text = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
            if args.pdf_like:
                expected = json.loads((PAGES / f"{name}-expected.json").read_text("utf-8"))
                titles = [article["title"] for article in expected["articles"]]
                text = pdf_like(text, name, rng, titles)
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        print(f"{'PDF-like variants' if args.pdf_like else 'clean pages'}: {len(names)} pages")
        done = subprocess.run(
            [sys.executable, str(folder / SCORER), str(ROOT), str(folder / "out")],
            capture_output=True,
            text=True,
        )
        print(done.stdout.split("\nplans and metrics")[0])
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
        return done.returncode


def pdf_like(text: str, name: str, rng: random.Random, titles: list[str]) -> str:
    """The page as a PDF's text layer gives it (see the module docstring)."""
    width = rng.randint(12, 25)
    head = running_head(name, 1)
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]
    blocks = headline_after_body(blocks, titles, rng)
    out: list[str] = [head] if head else []
    page = 1
    for index, block in enumerate(blocks):
        if len(block) >= CUT_MIN and index % CUT_EVERY == CUT_EVERY - 1:
            cut = _cut_point(block, rng)
            out.append(wrap(block[:cut], width))
            if rng.random() < 0.5:
                page += 1
                out.append(running_head(name, page) or str(page))
            out.append(wrap(block[cut:], width))
        else:
            out.append(wrap(block, width))
    return "\n\n".join(out) + "\n"


def headline_after_body(blocks: list[str], titles: list[str], rng: random.Random) -> list[str]:
    """Print one story's headline (with its lead-ins and subtitle) after its body, as column
    order does on some PDF pages; the story keeps its byline line on top."""
    wanted = {_compact(t) for t in titles}
    heads = [i for i, block in enumerate(blocks) if _compact(block) in wanted]
    movable = []
    for k, i in enumerate(heads[1:-1], start=1):
        below = i + 1 if not blocks[i + 1].startswith("——") else i + 2
        if _BYLINE.search(blocks[below]) and len(blocks[below]) < 30:
            movable.append((i, below, heads[k + 1]))
    if not movable:
        return blocks
    title, below, following = rng.choice(movable)
    start = title
    while start > 0 and _heading_like(blocks[start - 1]):
        start -= 1  # its kicker lines go with it
    end = following
    while end - 1 > below and (blocks[end - 1].endswith("——") or len(blocks[end - 1]) <= 6):
        end -= 1
    head = blocks[start:below]
    return blocks[:start] + blocks[below:end] + head + blocks[end:]


def _heading_like(block: str) -> bool:
    return len(block) <= 30 and block[-1:] not in "。！？”）)电" and not _BYLINE.search(block)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cut_point(block: str, rng: random.Random) -> int:
    """A place mid-sentence: not right after sentence punctuation."""
    for _ in range(20):
        cut = rng.randint(len(block) // 3, 2 * len(block) // 3)
        if block[cut - 1] not in "。！？”）" and block[cut] not in "，。、；：！？”）":
            return cut
    return len(block) // 2


def wrap(block: str, width: int) -> str:
    return "\n".join(block[i : i + width] for i in range(0, len(block), width))


def running_head(name: str, page: int) -> str:
    match = re.match(r"([a-z]+)-(\d{4})-(\d{2})(?:-(\d{2}))?-p(\d+)", name)
    if not match:
        return ""
    paper = PAPERS.get(match.group(1), "")
    year, month = int(match.group(2)), int(match.group(3))
    day = int(match.group(4) or 1)
    weekday = WEEKDAYS[dt.date(year, month, day).weekday()]
    number = int(match.group(5)) + page - 1
    return f"{paper} {year}年{month}月{day}日 星期{weekday} 第{number}版"


if __name__ == "__main__":
    sys.exit(main())
