"""The management commands as an operator runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from io import BytesIO, StringIO, TextIOWrapper
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from claims.models import Article, Claim, Feed, IngestionJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_detect_prints_the_contract_json(tmp_path):
    lines = run("detect", "--file", str(FIXTURES / "page_with_chrome.txt"), "--json").splitlines()
    flags = [json.loads(line) for line in lines]
    text = (FIXTURES / "page_with_chrome.txt").read_text()
    assert flags
    for flag in flags:
        assert set(flag) == {
            "text",
            "start",
            "end",
            "score",
            "category",
            "cues",
            "speaker",
            "covers",
        }
        assert text[flag["start"] : flag["end"]] == flag["text"]
        for cue in flag["cues"]:
            assert set(cue) == {"text", "start", "end", "category"}
        assert "View Date" not in flag["text"] and "FDA says" not in flag["text"]


def test_detect_takes_text_and_prints_a_readable_form():
    out = run("detect", "--text", "The minister said the port was closed.")
    assert "attributed" in out and "The minister" in out


def test_detect_complains_about_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        run("detect", "--file", "/no/such/file.txt")


def test_ingest_a_url_twice_gives_one_article(allow_private, server):
    first = run("ingest", server.url("article.html"))
    second = run("ingest", server.url("article.html"))
    assert first.startswith("article ") and "claims (processed)" in first
    assert first.split(":")[0] == second.split(":")[0]
    assert "(already ingested: same URL or text)" in second
    assert Article.objects.count() == 1


def test_ingest_a_failed_url_again_reports_it_processed(allow_private, server):
    # A page that failed and now loads was reported "already ingested".
    from tests.http_server import Answer

    server.routes["/later.html"] = Answer(503, b"busy", {"Content-Type": "text/plain"})
    with pytest.raises(CommandError, match="1 of 1 could not be ingested"):
        run("ingest", server.url("later.html"))
    server.routes["/later.html"] = server.fixture("article.html")
    out = run("ingest", server.url("later.html"))
    assert "claims (processed)" in out and "already ingested" not in out


def test_ingest_refuses_a_title_without_a_file(allow_private, server):
    # It was dropped without a word: a URL's page has its own title.
    with pytest.raises(CommandError, match="^--title goes with --file"):
        run("ingest", server.url("article.html"), "--title", "My title")
    assert server.requests == [] and not Article.objects.exists()


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_ingest_jsonl_refuses_a_file_without_lines(tmp_path, content):
    # It said "0 ingested" and left an empty job behind.
    path = tmp_path / "empty.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match="holds no lines"):
        run("ingest", "--jsonl", str(path))
    assert not IngestionJob.objects.exists()


def test_ingest_refuses_a_loopback_url_with_the_guard_on(server, settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 could not be ingested"):
        call_command("ingest", server.url("article.html"), stdout=StringIO(), stderr=err)
    assert "private or reserved address" in err.getvalue()
    assert Article.objects.count() == 0 and server.requests == []


def test_ingest_a_text_file_with_a_title(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Officials said the port reopened.\n\nShare this story\n")
    out = run("ingest", "--file", str(path), "--title", "Port")
    article = Article.objects.get()
    assert article.title == "Port" and "Share this story" not in article.text
    assert f"article {article.pk}: 1 claims" in out


def test_ingest_a_feed(allow_private, server):
    out = run("ingest", "--feed", server.url("feed.xml"))
    assert out.count("claims (processed)") == 3
    job = IngestionJob.objects.get(kind="feed")
    assert (job.total, job.done) == (3, 3)
    feed = Feed.objects.get()
    assert f"feed {feed.pk}: added, paused" in out and not feed.active  # polled once only
    assert f"feed {feed.pk}: 3 new entries (job {job.pk})" in out
    again = run("ingest", "--feed", server.url("feed.xml"))
    assert again == f"feed {feed.pk}: 0 new entries\n"  # nothing new; nothing said twice


def test_ingest_a_feed_the_desk_polls_keeps_it_active(allow_private, server):
    feed = Feed.objects.create(url=server.url("feed.xml"))
    run("ingest", "--feed", feed.url)
    feed.refresh_from_db()
    assert feed.active


def test_ingest_a_broken_feed_says_why(allow_private, server):
    with pytest.raises(CommandError, match="not a readable RSS or Atom feed"):
        run("ingest", "--feed", server.url("malformed_feed.xml"))


def test_ingest_a_jsonl_file_with_a_summary(allow_private, server, tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text((FIXTURES / "bulk.jsonl").read_text().replace("{base}", server.base))
    out = StringIO()
    with pytest.raises(CommandError, match="4 ingested, 1 duplicates, 2 failed"):
        call_command("ingest", "--jsonl", str(path), stdout=out, stderr=StringIO())
    assert "line 6: failed — not valid JSON" in out.getvalue()
    first = Article.objects.order_by("pk").first()  # line 5 repeats line 1
    assert f"line 5: article {first.pk}: " in out.getvalue()
    assert "already ingested" in out.getvalue()


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True  # a development machine
    first = run("seed_demo")
    claims = Claim.objects.count()
    run("seed_demo")
    assert "reviewer-demo-pass" in first and claims > 20
    assert Claim.objects.count() == claims and Article.objects.count() == 4


def test_seed_demo_refuses_production_unless_asked_and_leaves_real_accounts_alone(settings):
    # With DEBUG off it made a superuser with a published password; an existing account
    # named "admin" was put in the admin group and shown the demo password.
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published passwords.*--public-passwords"):
        run("seed_demo")
    assert not User.objects.exists() and not Article.objects.exists()

    settings.DEBUG = True
    real = UserFactory(username="admin")  # someone's own account, no role
    out = run("seed_demo")
    real.refresh_from_db()
    assert not real.groups.exists() and not real.is_superuser
    assert "user 'admin' exists already: left as it is" in out
    assert "admin-demo-pass" not in out and "reviewer-demo-pass" in out

    settings.DEBUG = False
    run("seed_demo", "--public-passwords")  # a demo server, knowingly
    assert User.objects.get(username="editor").groups.filter(name="editor").exists()


def test_redetect_needs_a_target():
    with pytest.raises(CommandError):
        run("redetect")


def test_redetect_names_the_articles_it_cannot_find():
    from claims import ingestion

    known = ingestion.process_article(ingestion.submit_text("The mayor said so.").article.pk)
    with pytest.raises(CommandError, match="No processed article with id 99999"):
        run("redetect", "--article", str(known.pk), "99999")


def test_redetect_queue_without_a_broker_says_it_runs_here():
    from claims import ingestion

    ingestion.process_article(ingestion.submit_text("The mayor said so.").article.pk)
    err = StringIO()
    out = StringIO()
    call_command("redetect", "--all", "--queue", stdout=out, stderr=err)
    assert "No broker" in err.getvalue()
    assert out.getvalue().startswith("1 articles: 1 claims")


def processed(count: int) -> list[int]:
    from claims import ingestion

    return [
        ingestion.process_article(
            ingestion.submit_text(f"The mayor said dam {n} is safe.", title=f"Dam {n}").article.pk
        ).pk
        for n in range(count)
    ]


def test_redetect_away_from_a_terminal_prints_its_progress_as_lines(monkeypatch):
    # Under cron or docker logs (no terminal) the progress bar was switched off: nothing
    # showed until the end, hours later.
    from claims.management.commands import redetect

    ids = processed(3)
    monkeypatch.setattr(redetect, "PROGRESS_EVERY", 2)
    err = StringIO()
    call_command("redetect", "--all", stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        f"2 of 3 articles done (last id {ids[1]})",
        f"3 of 3 articles done (last id {ids[2]})",
    ]


def test_redetect_interrupted_says_where_it_stopped_and_goes_on_from_there(monkeypatch):
    # Ctrl-C printed a traceback, with no summary and no way to go on but from the start.
    from claims import ingestion

    first, second, third = processed(3)
    redetect = ingestion.redetect
    seen = []

    def interrupted_at_the_second(article):
        seen.append(article.pk)
        if article.pk == second:
            raise KeyboardInterrupt
        return redetect(article)

    monkeypatch.setattr(ingestion, "redetect", interrupted_at_the_second)
    out = StringIO()
    with pytest.raises(CommandError) as stopped:
        call_command("redetect", "--all", stdout=out, stderr=StringIO())
    assert stopped.value.returncode == 130
    assert f"Interrupted after article {first}: 1 articles: 1 claims" in str(stopped.value)
    assert f"--after-id {first}" in str(stopped.value)

    monkeypatch.setattr(ingestion, "redetect", redetect)
    out = StringIO()
    call_command("redetect", "--all", "--after-id", str(first), stdout=out, stderr=StringIO())
    assert out.getvalue().startswith("2 articles: 2 claims")


def test_redetect_goes_on_past_an_article_that_fails_and_names_it(monkeypatch):
    # The task logged a failing article and went on; the command stopped there with a
    # traceback, the rest not done and no word on how to go on.
    from claims import ingestion

    first, second, third = processed(3)
    redetect = ingestion.redetect

    def fails_at_the_second(article):
        if article.pk == second:
            raise ValueError("a pattern the lexicon cannot read")
        return redetect(article)

    monkeypatch.setattr(ingestion, "redetect", fails_at_the_second)
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("redetect", "--all", stdout=out, stderr=StringIO())
    assert failed.value.returncode == 1
    assert "2 articles: 2 claims" in out.getvalue()
    assert f"1 article failed: {second} (ValueError: a pattern the lexicon cannot read)" in str(
        failed.value
    )


def test_redetect_queue_says_when_no_worker_answers(monkeypatch, settings):
    from claims import tasks
    from factcheck.celery import app

    processed(3)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.redetect_articles, "delay", queued.append)
    monkeypatch.setattr(app.control, "ping", lambda timeout: [])
    out, err = StringIO(), StringIO()
    call_command("redetect", "--all", "--queue", "--batch-size", "2", stdout=out, stderr=err)
    assert len(queued) == 2 and sum(map(len, queued)) == 3
    assert "No worker answered" in err.getvalue()
    assert "the 2 batches wait in the queue until one starts" in err.getvalue()


def test_detect_reads_standard_input_as_it_reads_a_file(monkeypatch):
    # Bytes that are not UTF-8 became surrogates, and printing them crashed.
    piped = "Officials said café was closed.\n".encode("cp1252")
    monkeypatch.setattr("sys.stdin", TextIOWrapper(BytesIO(piped), errors="surrogateescape"))
    flag = json.loads(run("detect", "--file", "-", "--json"))
    assert flag["text"] == "Officials said café was closed."


def test_detect_refuses_a_file_that_is_not_text(tmp_path):
    # It printed "No sentence flagged." for a PDF, which `ingest --file` refuses.
    path = tmp_path / "story.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    with pytest.raises(CommandError, match="does not look like plain text"):
        run("detect", "--file", str(path))


def test_detect_says_when_nothing_is_flagged():
    assert run("detect", "--text", "The port is open.") == "No sentence flagged.\n"
    assert run("detect", "--text", "The port is open.", "--json") == ""


def test_detect_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("\n".join(f"The minister said the port closed on day {n}." for n in range(500)))
    detect = subprocess.Popen(
        [sys.executable, "manage.py", "detect", "--file", str(path), "--json", "--default-lexicon"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    detect.stdout.readline()
    detect.stdout.close()  # what `| head -1` does
    assert "Traceback" not in detect.stderr.read().decode()
    assert detect.wait(timeout=60) == 0


@pytest.mark.parametrize(
    "args",
    [
        ("--article", "99999999999999999999999999"),
        ("--article", "abc"),
        ("--all", "--batch-size", "99999999999999999999"),
        ("--all", "--batch-size", "0"),
    ],
)
def test_redetect_refuses_numbers_out_of_range(args):
    with pytest.raises(CommandError):
        run("redetect", *args)


def test_ingest_jsonl_splits_lines_on_newlines_only(tmp_path):
    path = tmp_path / "sep.jsonl"
    line = json.dumps({"text": "The mayor said\u2028the dam is safe."}, ensure_ascii=False)
    path.write_text(line + "\n", encoding="utf-8")
    assert "1 ingested, 0 duplicates, 0 failed" in run("ingest", "--jsonl", str(path))


def test_ingest_an_html_file_with_a_title(tmp_path):
    # The title was used for plain text only; the page's own won.
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Page title</title></head><body><article>"
        "<p>The mayor said the bridge is safe.</p></article></body></html>"
    )
    run("ingest", "--file", str(path), "--title", "Desk title")
    assert Article.objects.get().title == "Desk title"


def test_ingest_a_feed_again_with_an_entry_it_cannot_take(allow_private, server):
    from tests.http_server import Answer

    rss = (Path(__file__).parent / "fixtures" / "feed.xml").read_text()
    rss = rss.replace("{base}", server.base)
    rss = rss.replace(f"{server.base}/feed/story-1.html", "ftp://news.example.org/story-1", 1)
    server.routes["/ftp.xml"] = Answer(200, rss.encode(), {"Content-Type": "application/rss+xml"})
    run("ingest", "--feed", server.url("ftp.xml"))
    out = run("ingest", "--feed", server.url("ftp.xml"))  # was a CommandError: nothing new
    assert "0 new entries" in out


def test_ingest_jsonl_reads_files_as_the_dashboard_upload_does(tmp_path):
    latin1 = tmp_path / "latin1.jsonl"
    line = json.dumps({"title": "Barrage été", "text": "Le maire a déclaré que le barrage tient."})
    latin1.write_bytes(json.dumps(json.loads(line), ensure_ascii=False).encode("cp1252") + b"\n")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "The mayor said it holds."}).encode())

    assert "1 ingested, 0 duplicates, 0 failed" in run("ingest", "--jsonl", str(latin1))
    assert "1 ingested, 0 duplicates, 0 failed" in run("ingest", "--jsonl", str(bom))
    article = Article.objects.get(title="Barrage été")
    assert article.text == "Le maire a déclaré que le barrage tient."


def test_ingest_jsonl_names_a_lone_surrogate(tmp_path):
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"text": "The mayor said \\ud800 it holds."}\n', encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("ingest", "--jsonl", str(path), stdout=out, stderr=StringIO())
    assert 'line 1: failed — "text" holds a lone U+D800' in out.getvalue()
    assert not Article.objects.exists()


def test_ingest_a_text_file_that_starts_with_an_angle_bracket(tmp_path):
    # It was taken for HTML, and failed: "No article text could be extracted".
    path = tmp_path / "note.txt"
    path.write_text("<Editor's note: corrected>\nThe mayor said the bridge is safe.\n")
    run("ingest", "--file", str(path))
    article = Article.objects.get()
    assert article.status == "processed" and "the bridge is safe" in article.text


def test_one_stray_byte_does_not_garble_a_whole_utf8_jsonl_file(tmp_path):
    # The whole file was read as cp1252: every "déclaré" became "dÃ©clarÃ©".
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"title": "Été", "text": "Le maire a déclaré."}, ensure_ascii=False)
    bad = b'{"title": "Hiver", "text": "Le pr\xe9fet a dit non."}'  # a cp1252 line
    path.write_bytes(good.encode() + b"\n" + bad + b"\n")

    assert "2 ingested, 0 duplicates, 0 failed" in run("ingest", "--jsonl", str(path))
    assert set(Article.objects.values_list("title", "text")) == {
        ("Été", "Le maire a déclaré."),
        ("Hiver", "Le préfet a dit non."),
    }


def ferry_file(tmp_path, count: int = 3) -> Path:
    path = tmp_path / "ferries.jsonl"
    lines = [
        json.dumps({"text": f"Officials said ferry number {n} sank near Tolvik harbour."})
        for n in range(1, count + 1)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def ctrl_c_at_article(monkeypatch, nth: int) -> None:
    """Press Ctrl-C while the nth article of the run is being processed."""
    from claims import ingestion

    real = ingestion.process_article
    seen = []

    def process(article_id, *args, **kwargs):
        seen.append(article_id)
        if len(seen) == nth:
            raise KeyboardInterrupt
        return real(article_id, *args, **kwargs)

    monkeypatch.setattr(ingestion, "process_article", process)


def test_ingest_jsonl_interrupted_by_ctrl_c_says_what_it_did_and_where_it_stopped(
    tmp_path, monkeypatch
):
    # It gave a traceback, printed none of the lines done, and its job did not say so.
    ctrl_c_at_article(monkeypatch, 2)
    out = StringIO()
    with pytest.raises(CommandError, match="^Interrupted at line 2: 1 ingested") as stopped:
        call_command("ingest", "--jsonl", str(ferry_file(tmp_path)), stdout=out, stderr=StringIO())
    assert stopped.value.returncode == 130
    first = Article.objects.order_by("pk").first()
    assert out.getvalue() == f"line 1: article {first.pk}: 1 claims (processed)\n"
    job = IngestionJob.objects.get()
    assert job.finished_at is not None and job.done == 1
    assert job.errors == [{"line": 2, "reason": "interrupted (Ctrl-C)"}]
    assert str(job.pk) in str(stopped.value)


def test_ingest_jsonl_again_after_ctrl_c_processes_the_article_left_pending(tmp_path, monkeypatch):
    # It was left pending for good: "waiting in another run", the run that had stopped.
    path = ferry_file(tmp_path)
    ctrl_c_at_article(monkeypatch, 2)
    with pytest.raises(CommandError):
        run("ingest", "--jsonl", str(path))
    monkeypatch.undo()

    out = run("ingest", "--jsonl", str(path))
    assert not Article.objects.filter(status=Article.Status.PENDING).exists()
    second = Article.objects.order_by("pk")[1]
    assert f"line 2: article {second.pk}: 1 claims (processed)" in out
    assert "2 ingested, 1 duplicates, 0 failed" in out


ROOT = Path(__file__).resolve().parent.parent


def manage_env(database: Path) -> dict[str, str]:
    """The environment of a manage.py process on its own SQLite database."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("migrated") / "desk.sqlite3"
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    # A safety net, not a timing: 27 migrations take a minute on a loaded 2-core machine.
    subprocess.run(migrate, cwd=ROOT, env=manage_env(database), check=True, timeout=300)
    return database


def bulk_run_waiting_on_a_page(server, tmp_path, migrated_database, page=None, **popen):
    """Start `ingest --jsonl` on two lines, a text and a page the server holds back until
    the returned event is set; return (the process, the event, its database)."""
    released = threading.Event()

    def slow(handler):
        released.wait(30)  # without `page`, it never comes: the client is gone by then
        return page

    server.routes["/slow"] = slow
    path = tmp_path / "bulk.jsonl"
    lines = [{"text": "The mayor said the dam is safe."}, {"url": server.url("slow")}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    database = Path(shutil.copy(migrated_database, tmp_path / "desk.sqlite3"))
    ingest = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", "--jsonl", str(path)],
        cwd=ROOT,
        env={**manage_env(database), "FACTCHECK_FETCH_ALLOW_PRIVATE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    deadline = time.monotonic() + 30
    while not server.hits("/slow") and time.monotonic() < deadline:
        time.sleep(0.05)
    return ingest, released, database


def finished(ingest, released) -> tuple[str, str]:
    try:
        return ingest.communicate(timeout=30)
    finally:
        released.set()
        if ingest.poll() is None:
            ingest.kill()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_ingest_jsonl_stopped_by_a_signal_closes_its_job_as_interrupted(
    server, tmp_path, migrated_database, signum
):
    # The job was left running for good (finished_at empty), with no word of why.
    ingest, released, database = bulk_run_waiting_on_a_page(server, tmp_path, migrated_database)
    ingest.send_signal(signum)
    out, err = finished(ingest, released)

    assert ingest.returncode == 128 + signum
    assert "Traceback" not in err and "Interrupted at line 2: 1 ingested" in err
    assert out.startswith("line 1: article ")
    name = signal.Signals(signum).name
    with sqlite3.connect(database) as db:
        finished_at, errors = db.execute(
            "SELECT finished_at, errors FROM claims_ingestionjob"
        ).fetchone()
        status = db.execute(
            "SELECT status FROM claims_article WHERE source_url = ?", (server.url("slow"),)
        ).fetchone()[0]
    assert finished_at is not None and status == "pending"  # taken again by the next run
    assert json.loads(errors) == [{"line": 2, "reason": f"interrupted ({name})"}]


def test_ingest_jsonl_under_nohup_goes_on_when_its_terminal_closes(
    server, tmp_path, migrated_database
):
    # The SIGHUP handler replaced nohup's "ignore": closing the terminal stopped the run.
    ingest, released, _ = bulk_run_waiting_on_a_page(
        server,
        tmp_path,
        migrated_database,
        page=server.fixture("/article.html"),
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # as nohup does
    )
    ingest.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    released.set()
    out, err = finished(ingest, released)
    assert ingest.returncode == 0, err[-500:]
    assert "2 ingested" in out


def test_ctrl_c_after_the_last_line_is_reported_as_an_interruption(tmp_path, monkeypatch):
    # The command read the line from the job's last error, which only a stop inside the
    # loop writes: an IndexError traceback, or the line of an earlier failure.
    from claims import ingestion

    path = tmp_path / "wire.jsonl"
    path.write_text('{"text": "The mayor said the dam at Lake Orrin was safe.", "title": "Dam"}\n')
    real = ingestion._ingest_lines

    def pressed(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt  # Ctrl-C as the run leaves its loop

    monkeypatch.setattr(ingestion, "_ingest_lines", pressed)
    with pytest.raises(CommandError, match="Interrupted after line 1: 1 ingested"):
        call_command("ingest", jsonl=str(path), stdout=StringIO(), stderr=StringIO())


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("seed_demo",),
        ("redetect", "--all"),
        ("ingest", "--file", "manage.py"),
        ("run_schedule", "--once"),  # exited 0, each task "failed" on a line of its own
    ],
)
def test_a_database_that_cannot_be_reached_is_one_line_naming_database_url(tmp_path, args):
    # It was some ninety lines of traceback ending in psycopg's OperationalError.
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}
    done = run_manage(*args, env=env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-500:]
    assert "The database could not be used" in done.stderr and "DATABASE_URL" in done.stderr


def test_a_database_never_migrated_says_to_migrate(tmp_path):
    done = run_manage("seed_demo", env=manage_env(tmp_path / "new.sqlite3"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "no such table" in done.stderr and "manage.py migrate" in done.stderr


def test_a_broker_that_cannot_be_reached_is_one_line_naming_redis_url(migrated_database):
    env = {**manage_env(migrated_database), "REDIS_URL": "redis://127.0.0.1:1/11"}
    run_manage("seed_demo", env=env)  # articles to detect again (processed in-process)
    done = run_manage("redetect", "--all", "--queue", env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-500:]
    assert "The task queue could not be reached" in done.stderr and "REDIS_URL" in done.stderr


def test_ctrl_c_as_the_run_writes_its_last_progress_closes_the_job(tmp_path, monkeypatch):
    # The last progress write sat outside the run's guard: a Ctrl-C there left the job
    # running for good, without the counts of its last lines.
    from claims import ingestion

    path = tmp_path / "wire.jsonl"
    path.write_text(
        '{"text": "The mayor said the dam at Lake Orrin was safe.", "title": "Dam"}\nnot json\n'
    )
    real = ingestion._write_progress
    calls = []

    def pressed(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the write after the last line: Ctrl-C lands here
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(ingestion, "_write_progress", pressed)
    with pytest.raises(CommandError, match="Interrupted"):
        call_command("ingest", jsonl=str(path), stdout=StringIO(), stderr=StringIO())
    job = IngestionJob.objects.get()
    assert job.finished_at is not None and job.failed == 1


def test_run_schedule_runs_the_periodic_tasks_of_a_desk_without_redis(allow_private, server):
    # Without Redis there was no beat: a feed was polled only when someone pressed
    # "Poll now", and nothing was purged.
    from datetime import timedelta

    from django.utils import timezone

    from claims import workflow
    from tests.factories import ClaimFactory, UserFactory

    feed = Feed.objects.create(url=server.url("feed.xml"))
    reviewer = UserFactory(username="rita", role="reviewer")
    held = workflow.claim_take(claim=ClaimFactory(), reviewer=reviewer)
    Claim.objects.filter(pk=held.pk).update(lease_expires_at=timezone.now() - timedelta(hours=1))
    out = StringIO()

    call_command("run_schedule", once=True, stdout=out, stderr=StringIO())

    feed.refresh_from_db()
    assert feed.last_polled_at is not None and Article.objects.filter(feed=feed).exists()
    assert Claim.objects.get(pk=held.pk).status == Claim.Status.NEW  # its lease expired
    assert "poll-due-feeds: 1" in out.getvalue()


def test_run_schedule_once_fails_when_a_task_failed(monkeypatch):
    # It exited 0 whatever failed, so a cron job or a script could not tell.
    from claims import tasks

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "purge_raw_html", broken)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 5 periodic tasks failed"):
        call_command("run_schedule", once=True, stdout=out, stderr=err)
    assert "purge-raw-html: failed (disk full)" in err.getvalue()
    assert "expire-leases" not in err.getvalue()  # the others ran


def test_run_schedule_leaves_a_desk_with_redis_to_beat(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with pytest.raises(CommandError, match="celery -A factcheck beat"):
        call_command("run_schedule", once=True)


# What Python makes of an argument sent in Latin-1 from a terminal that is not UTF-8.
NOT_UTF8 = os.fsdecode(b"Officials said the caf\xe9 was safe.")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("detect", "--text", NOT_UTF8), "--text"),
        (("ingest", "https://news.example.org/caf" + os.fsdecode(b"\xe9")), "urls"),
        (
            ("ingest", "--file", str(FIXTURES / "page_with_chrome.txt"), "--title", NOT_UTF8),
            "--title",
        ),
        (("ingest", "--feed", "https://news.example.org/" + os.fsdecode(b"\xe9")), "--feed"),
    ],
)
def test_an_argument_that_is_not_utf8_is_named_not_a_traceback(args, named):
    with pytest.raises(CommandError, match=f"argument {named}: .*not UTF-8"):
        run(*args)
    assert not Article.objects.exists()


def test_ingest_jsonl_reads_a_file_whose_name_is_not_utf8(tmp_path):
    path = tmp_path / os.fsdecode(b"caf\xe9.jsonl")
    path.write_text('{"text": "Officials said the dam was safe on Monday."}\n')
    assert "1 ingested" in run("ingest", "--jsonl", str(path))
    assert "caf" in IngestionJob.objects.get().source
