"""Drive the archive against a real primary and streaming replica; print what read where (JSON).

Run by tests/test_replicas.py in a process of its own, with DATABASE_URL (the primary) and
DATABASE_REPLICA_URLS (its replica) pointing at the pair scripts/pg-replica starts. Each step
makes one request through Django's test client and counts the queries on the archive's tables
that each database answered.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from newsroom.models import Article
    from newsroom.replicas import forget_checks, has_replayed, primary_position
    from tests.factories import make_user

    article = Article.objects.public().order_by("pk").first()
    issue_path = f"/issues/{article.issue.date.isoformat()}/"
    article_path = f"/articles/{article.pk}/"
    results: dict[str, dict] = {}

    def ask(name: str, path: str, client: Client | None = None, **extra) -> str:
        client = client or Client()
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections["replica_1"]) as replica:
            response = client.get(path, **extra)
        def archive(queries):
            return sum("newsroom_" in q["sql"] for q in queries.captured_queries)
        body = response.content.decode(errors="replace")
        results[name] = {"status": response.status_code, "primary": archive(primary),
                         "replica": archive(replica)}
        return body

    ask("anonymous issue page", issue_path)
    ask("anonymous API list", "/api/v1/articles/")
    editor = make_user("probe-editor", role="editor")
    signed_in = Client()
    signed_in.force_login(editor)
    ask("editor issue page", issue_path, signed_in)
    token = Token.objects.create(user=editor).key
    ask("API list with a token", "/api/v1/articles/", HTTP_AUTHORIZATION=f"Token {token}")

    writer = Client()
    response = writer.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    results["a POST pins its sender"] = {"cookie": "newsroom_primary" in response.cookies}
    ask("after a POST", issue_path, writer)

    # Lag: the replica stops replaying; a correction on the primary must not be served stale.
    subprocess.run([ROOT / "scripts" / "pg-replica", "pause"], check=True)
    Article.objects.filter(pk=article.pk).update(headline="更正后的标题")
    time.sleep(1.5)  # REPLICA_MAX_LAG is 1 s in the test
    forget_checks()
    body = ask("replica lagging", article_path)
    results["replica lagging"]["shows the correction"] = "更正后的标题" in body
    # The WAL position after the correction (what the page cache asks of a replica).
    corrected_at = primary_position()
    results["replica lagging"]["replayed the correction"] = has_replayed("replica_1", corrected_at)
    subprocess.run([ROOT / "scripts" / "pg-replica", "resume"], check=True)
    saved = time.monotonic()
    while True:
        forget_checks()
        body = ask("replica caught up", article_path)
        if results["replica caught up"]["replica"] and "更正后的标题" in body:
            break
        if time.monotonic() - saved > 20:
            break
        time.sleep(0.05)
    results["replica caught up"]["shows the correction"] = "更正后的标题" in body
    # The position read after the correction may also cover later WAL (a hint, a checkpoint)
    # that the replica replays a moment after the correction itself.
    while not has_replayed("replica_1", corrected_at) and time.monotonic() - saved < 20:
        time.sleep(0.05)
    results["replica caught up"]["replayed the correction"] = has_replayed("replica_1", corrected_at)
    results["replica caught up"]["seconds from resume to served"] = round(time.monotonic() - saved, 3)

    # Down: the replica stops; readers are served from the primary.
    subprocess.run([ROOT / "scripts" / "pg-replica", "stop-replica"], check=True)
    forget_checks()
    ask("replica down", issue_path)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
