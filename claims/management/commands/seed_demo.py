"""Create the demo users and ingest the sample articles (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

from claims import ingestion
from claims.management.services import reports_unreachable_services
from claims.models import Article

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "articles"
DEMO_USERS = [
    # username, password, role
    ("reviewer", "reviewer-demo-pass", "reviewer"),
    ("editor", "editor-demo-pass", "editor"),
    ("admin", "admin-demo-pass", "admin"),
]


class Command(BaseCommand):
    help = "Create demo users (reviewer, editor, admin) and ingest the sample articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-passwords",
            action="store_true",
            help="run even with DEBUG off (a demo server): the accounts' passwords are published",
        )

    @reports_unreachable_services
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["public_passwords"]:
            raise CommandError(
                "DEBUG is off: seed_demo makes accounts (an admin among them) with published "
                "passwords. On a demo server, run it with --public-passwords."
            )
        for username, password, role in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if not created:  # someone's own account, or made by an earlier run: untouched
                self.stdout.write(f"user {username!r} exists already: left as it is")
                continue
            user.set_password(password)
            user.is_staff = role in ("editor", "admin")
            user.is_superuser = role == "admin"
            user.save()
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(f"user {username!r} ({role}) — password {password!r}")

        manifest = json.loads((DEMO_DIR / "manifest.json").read_text())
        for item in manifest:
            content = (DEMO_DIR / item["file"]).read_text(encoding="utf-8")
            if item["file"].endswith(".html"):
                submitted = ingestion.submit_html(content, url=item["url"])
            else:
                headline, _, body = content.partition("\n")
                submitted = ingestion.submit_text(body, title=headline.strip(), url=item["url"])
            article = ingestion.process_article(submitted.article.pk)
            state = "new" if submitted.created else "already there"
            self.stdout.write(
                f"article {article.pk}: {article.claims.count()} claims ({state}) — {article.title}"
            )
        self.stdout.write(f"{Article.objects.count()} articles in the database.")
