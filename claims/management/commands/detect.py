"""Run claim detection on a file or a text and print what it flags."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims import detection, ingestion
from claims.fetching import decode_body
from claims.lexicon import current_lexicon
from claims.management.services import utf8_text


class Command(BaseCommand):
    help = "Flag the unverified claims in a text: detect [--file F | --text T] [--json]."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="A plain-text file ('-' for standard input).")
        source.add_argument("--text", type=utf8_text, help="The text itself.")
        parser.add_argument("--json", action="store_true", help="One JSON object per flag.")
        parser.add_argument(
            "--default-lexicon",
            action="store_true",
            help="Use the lexicon in code instead of the CuePattern rows.",
        )

    def handle(self, *args, **options):
        text = self.read_input(options)
        lexicon = detection.DEFAULT_LEXICON if options["default_lexicon"] else _lexicon()
        flags = detection.detect(text, lexicon)
        try:
            self.print_flags(flags, as_json=options["json"])
        except BrokenPipeError:  # `detect … | head`: the reader has all it wanted
            # Python's recipe: point stdout at /dev/null so the flush at exit stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def print_flags(self, flags: list[detection.Flag], *, as_json: bool) -> None:
        if not flags and not as_json:
            self.stdout.write("No sentence flagged.")
        for flag in flags:
            if as_json:
                self.stdout.write(json.dumps(flag.as_dict(), ensure_ascii=False))
            else:
                cues = ", ".join(f"{c.text!r} ({c.category})" for c in flag.cues)
                speaker = f" — speaker: {flag.speaker.text}" if flag.speaker else ""
                self.stdout.write(
                    f"[{flag.start}:{flag.end}] {flag.category} {flag.score:.2f}{speaker}\n"
                    f"  {flag.text}\n  cues: {cues}"
                )

    def read_input(self, options) -> str:
        if options["text"] is not None:
            return options["text"]
        path = options["file"]
        if path is None:
            raise CommandError("Give --file F or --text T.")
        try:
            # Standard input as a file: bytes, read in their charset, not the locale's.
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        text = decode_body(raw)
        try:
            ingestion.refuse_binary(text)  # as `ingest --file` does: a PDF is not a story
        except ingestion.IngestionError as exc:
            raise CommandError(f"{path}: {exc}") from None
        return text


def _lexicon() -> detection.Lexicon:
    # Without a migrated database (a fresh checkout) the code's lexicon is the lexicon.
    from django.db import DatabaseError

    try:
        return current_lexicon()
    except DatabaseError:
        return detection.DEFAULT_LEXICON
