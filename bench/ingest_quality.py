"""How well ingestion keeps the article and only the article, on real news pages.

    python bench/ingest_quality.py ../shared/eval/articles

Serves the 181 pages of the evaluation set from a local HTTP server, ingests each by URL
through the real pipeline (guarded fetch → trafilatura → chrome removal → detection) into
a scratch SQLite database, and prints:
  - token F1 of our stored text against the human-extracted body (and bare trafilatura's
    F1 on the same pages, measured in the same run, for comparison);
  - the share of flagged claims that lie inside the article body;
  - the pages that failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from harness import PageServer, django_setup, load_pages

TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def token_f1(predicted: str, truth: str) -> float:
    ours, theirs = Counter(tokens(predicted)), Counter(tokens(truth))
    overlap = sum((ours & theirs).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(ours.values())
    recall = overlap / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


def inside_body(claim: str, body_tokens: Counter) -> bool:
    """A claim is inside the body when (nearly) all of its words are words of the body."""
    words = Counter(tokens(claim))
    if not words:
        return True
    return sum((words & body_tokens).values()) / sum(words.values()) >= 0.9


def main(eval_dir: Path) -> int:
    django_setup(FACTCHECK_FETCH_ALLOW_PRIVATE="1")
    import trafilatura

    from claims import ingestion
    from claims.models import Article

    truth = json.loads((eval_dir / "ground-truth.json").read_text())
    pages = load_pages(eval_dir)
    server = PageServer({f"{page_id}.html": html for page_id, html in pages.items()})

    ours, bare, failed = [], [], []
    claims_total = claims_inside = 0
    for number, (page_id, html) in enumerate(pages.items(), start=1):
        body = truth[page_id]["articleBody"]
        bare_text = trafilatura.extract(html.decode("utf-8", "replace")) or ""
        bare.append(token_f1(bare_text, body))
        submitted = ingestion.submit_url(server.url(f"{page_id}.html"))
        article = ingestion.process_article(submitted.article.pk)
        if article.status != Article.Status.PROCESSED:
            failed.append((page_id, article.status, article.error))
            ours.append(0.0)
            continue
        ours.append(token_f1(article.text, body))
        body_tokens = Counter(tokens(body))
        for claim in article.claims.values_list("text", flat=True):
            claims_total += 1
            claims_inside += inside_body(claim, body_tokens)
        if number % 20 == 0:
            print(f"  {number}/{len(pages)} pages", file=sys.stderr)

    mean = sum(ours) / len(ours)
    print(f"pages:                        {len(pages)}")
    print(f"token F1, ours (stored text):  {mean:.3f}")
    print(f"token F1, bare trafilatura:    {sum(bare) / len(bare):.3f}")
    print(
        f"claims inside the body:        {claims_inside}/{claims_total} "
        f"({claims_inside / max(claims_total, 1):.1%})"
    )
    print(f"failed pages:                  {len(failed)}")
    for page_id, status, error in failed:
        print(f"  {page_id}: {status} — {error}")
    return 0 if not failed else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path, help="the directory of pages and ground-truth.json")
    sys.exit(main(parser.parse_args().articles))
