"""Joining an issue's continued articles: which part goes on where (PAGES.md, "Jump lines").

After each page is loaded, the issue's jumps (下转第3版) and continuations (上接第1版) are matched
again, whichever page came first, in this run or an earlier one:

* a continuation that repeats its headline (whole or abridged) belongs to the article on the
  page it names whose headline shares the most of its characters; one that does not repeat it,
  to the article on that page whose jump points at the continuation's page;
* a tie, or two continuations claiming one article, joins nothing: the continuation is flagged
  with the choices (``continuation_unmatched``), as is one that matches nothing on a page that
  is in the archive; a jump to a page not in the archive yet is flagged ``jump_pending``;
* each join sets the part's ``continues`` and opens a ``joined_continuation`` flag on the
  article; an editor undoing it splits the part off, and no later import joins that pair again.

The pass reads the issues' articles, pages and join flags (three queries, for one issue or a
batch's fifty), then writes only what changed (a bounded number of queries, however many parts
and issues): see tests/load/test_joins.py.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from importers.load.flags import fingerprint
from importers.load.history import update_with_history
from newsroom import changes
from newsroom.editorial.continuations import join_fingerprint
from newsroom.lib.flagcodes import CONTINUATION_UNMATCHED, JOINED_CONTINUATION, JUMP_PENDING
from newsroom.models import Article, Issue, Page, ReviewFlag

# A heading that is only the continuation marker, not a repeated headline.
MARKER_RE = re.compile(r"[（(]?\s*[上紧]接\S{0,8}?[版]?\s*[)）]?")
# What a headline's characters are compared without.
IGNORED_RE = re.compile(r"[\s\W_]", re.UNICODE)
# The share of a repeated headline's characters that the article's must hold.
MIN_SHARE = 0.5
JOIN_CODES = (JOINED_CONTINUATION, JUMP_PENDING, CONTINUATION_UNMATCHED)
FIELDS = ("id", "page", "position", "kicker", "headline", "subheadline", "heading",
          "jump_to", "is_continuation", "continued_from", "continues_id", "visibility")


@dataclass
class Plan:
    """What the pass found: the joins to make and the flags to have open."""

    joins: dict[int, Article] = field(default_factory=dict)  # continuation id -> part it continues
    flags: dict[str, dict] = field(default_factory=dict)  # fingerprint -> flag fields


def repeated_headline(part: Article) -> str:
    """Return the headline a continuation repeats, or "" when its heading is only the marker."""
    text = " ".join(p for p in (part.kicker, part.headline, part.subheadline) if p)
    return "" if MARKER_RE.fullmatch(text.strip()) else IGNORED_RE.sub("", MARKER_RE.sub("", text))


def shared(repeated: str, article: Article) -> float:
    """Return the share of a repeated headline's characters found in the article's heading."""
    mine = set(repeated)
    theirs = set(IGNORED_RE.sub("", " ".join((article.kicker, article.headline, article.subheadline))))
    return len(mine & theirs) / len(mine) if mine else 0.0


def join_issue(issue: Issue, *, reason: str) -> list[int]:
    """Match the issue's jumps and continuations, join parts, and keep the join flags true;
    return the ids of the articles whose text changed (to re-index and re-stamp)."""
    return join_issues({issue.pk: (issue, reason)})


def join_issues(issues: dict[int, tuple[Issue, str]]) -> list[int]:
    """``join_issue`` for several issues at once (a batch of pages): the same queries for one
    issue or fifty. ``issues`` maps each issue's id to it and the history's change reason."""
    articles_of: defaultdict[int, list[Article]] = defaultdict(list)
    for article in Article.objects.filter(issue__in=issues).only(*FIELDS, "issue"):
        articles_of[article.issue_id].append(article)
    rows_of = {issue_id: [a for a in articles if a.jump_to is not None or a.is_continuation]
               for issue_id, articles in articles_of.items()}
    rows_of = {issue_id: rows for issue_id, rows in rows_of.items() if rows}
    if not rows_of:
        return []
    present: defaultdict[int, set[int]] = defaultdict(set)
    for issue_id, number in Page.objects.filter(issue__in=rows_of).values_list("issue", "number"):
        present[issue_id].add(number)
    stored: defaultdict[int, list[StoredFlag]] = defaultdict(list)
    for flag in (ReviewFlag.objects.filter(issue__in=rows_of, code__in=JOIN_CODES).order_by()
                 .values_list("pk", "issue", "fingerprint", "code", "status")):
        stored[flag[1]].append(StoredFlag(flag[0], flag[2], flag[3], flag[4]))
    joining: dict[int, tuple[Article, str]] = {}
    flags = FlagChanges()
    for issue_id, rows in rows_of.items():
        issue, reason = issues[issue_id]
        named = {row.continued_from for row in rows if row.is_continuation} - {None}
        by_id = {row.pk: row for row in rows}
        for row in articles_of[issue_id]:
            if row.page in named:
                by_id.setdefault(row.pk, row)
        split = {flag.fingerprint for flag in stored[issue_id]
                 if flag.code == JOINED_CONTINUATION and flag.status == ReviewFlag.Status.UNDONE}
        plan = match(list(by_id.values()), present=present[issue_id], split=split)
        joining.update({part.pk: (plan.joins[part.pk], reason) for part in rows
                        if part.is_continuation and part.continues_id is None
                        and part.pk in plan.joins})
        flags.plan(issue, plan, stored[issue_id])
    changed = _apply_joins(joining)
    if changed:
        # The pages that show them changed without their text: the issue page lays the parts out.
        changes.touch_articles(changed)
    flags.write()
    return changed


def match(articles: list[Article], *, present: set[int], split: set[str]) -> Plan:
    """Return the joins and the flags that the issue's parts call for (no database access)."""
    plan = Plan()
    by_id = {a.pk: a for a in articles}
    # A join made before (by an import or an editor) stands until an editor splits it.
    for part in articles:
        if part.continues_id is not None and part.continues_id in by_id:
            plan.joins[part.pk] = by_id[part.continues_id]
    taken = {lead.pk for lead in plan.joins.values()}
    continuations = [a for a in articles if a.is_continuation and a.pk not in plan.joins]
    claims: dict[int, list[Article]] = {}
    for part in continuations:
        candidates = [a for a in articles
                      if a.pk != part.pk and a.pk not in taken and _may_continue(a, part)]
        chosen = _choose(part, candidates)
        if isinstance(chosen, Article) and join_fingerprint(chosen, part) not in split:
            claims.setdefault(chosen.pk, []).append(part)
        elif isinstance(chosen, list) or part.continued_from in present or part.continued_from is None:
            _flag_unmatched(plan, part, chosen if isinstance(chosen, list) else [])
    for lead_id, parts in claims.items():
        lead = next(a for a in articles if a.pk == lead_id)
        if len(parts) > 1:
            for part in parts:
                _flag_unmatched(plan, part, [lead])
            continue
        plan.joins[parts[0].pk] = lead
        plan.flags[join_fingerprint(lead, parts[0])] = {
            "code": JOINED_CONTINUATION, "article": lead,
            "message": f"joined the continuation on page {parts[0].page} (position "
                       f"{parts[0].position}) to this article",
            "message_params": {"page": str(parts[0].page), "position": str(parts[0].position)},
        }
    joined_leads = {a.pk for a in plan.joins.values()}
    for article in articles:
        if article.jump_to is not None and article.pk not in joined_leads:
            _flag_jump(plan, article, present)
    return plan


def _may_continue(article: Article, part: Article) -> bool:
    """Tell whether ``part`` may continue ``article``: on the page it names, or jumping to it."""
    if part.continued_from is not None:
        return article.page == part.continued_from and article.page != part.page
    return article.jump_to == part.page and article.page != part.page


def _choose(part: Article, candidates: list[Article]) -> Article | list[Article] | None:
    """Return the article the part continues, the tied choices (a list), or None."""
    repeated = repeated_headline(part)
    if repeated:
        scored = sorted(((shared(repeated, a), a.jump_to == part.page, a) for a in candidates),
                        key=lambda s: (s[0], s[1]), reverse=True)
        scored = [s for s in scored if s[0] >= MIN_SHARE]
        if not scored:
            return None
        if len(scored) > 1 and scored[1][:2] == scored[0][:2]:
            return [s[2] for s in scored if s[:2] == scored[0][:2]]
        return scored[0][2]
    jumping = [a for a in candidates if a.jump_to == part.page]
    if len(jumping) == 1:
        return jumping[0]
    return jumping or None


def _flag_unmatched(plan: Plan, part: Article, choices: list[Article]) -> None:
    names = "; ".join(f"page {a.page} position {a.position} «{a.headline}»" for a in choices)
    where = f"page {part.continued_from}" if part.continued_from else "an earlier page"
    message = (f"continued from {where}, but " + (
        f"several articles there could be its start ({names}): join it by hand"
        if len(choices) > 1 else
        f"another continuation claims the same article ({names}): join it by hand"
        if choices else "no article there matches it"))
    plan.flags[fingerprint(CONTINUATION_UNMATCHED, part.page, part.position, names)] = {
        "code": CONTINUATION_UNMATCHED, "article": part, "message": message,
        "message_key": "continuation_ambiguous" if choices else CONTINUATION_UNMATCHED,
        "message_params": {"where": str(part.continued_from or ""), "choices": names},
    }


def _flag_jump(plan: Plan, article: Article, present: set[int]) -> None:
    there = article.jump_to in present
    plan.flags[fingerprint(JUMP_PENDING, article.page, article.position, article.jump_to, there)] = {
        "code": JUMP_PENDING, "article": article,
        "message": f"continued on page {article.jump_to}, " + (
            "but no continuation there matches it" if there else "not in the archive"),
        "message_key": "jump_unmatched" if there else JUMP_PENDING,
        "message_params": {"page": str(article.jump_to)},
    }


def _apply_joins(joining: dict[int, tuple[Article, str]]) -> list[int]:
    """Join each continuation to the lead planned for it (part id -> lead and change reason; a
    join made before is never undone here, only by an editor's split); return the articles whose
    text changed."""
    if not joining:
        return []
    # Whole rows, one query: each part's history record holds every field.
    parts = list(Article.objects.filter(pk__in=joining).order_by("pk"))
    for part in parts:
        lead, part._change_reason = joining[part.pk]
        part.continues_id = lead.pk
        # A withdrawn article stays withdrawn whole when the rest of it arrives.
        part.visibility = lead.visibility
    update_with_history(parts, Article, ["continues", "visibility"])
    changed = sorted({*joining, *(lead.pk for lead, _reason in joining.values())})
    # bulk_update sends no post_save: say what changed (search and the page cache follow).
    changes.articles_changed(changed)
    return changed


@dataclass
class StoredFlag:
    """A join flag as stored: what the pass compares its plan with."""

    pk: int
    fingerprint: str
    code: str
    status: str


@dataclass
class FlagChanges:
    """The join flags to open, reopen and close, gathered over issues and written at once."""

    new: list[ReviewFlag] = field(default_factory=list)
    reopen: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)

    def plan(self, issue: Issue, plan: Plan, stored_flags: list[StoredFlag]) -> None:
        """Open the flags the plan calls for that are not open yet; close those it no longer does."""
        stored = {flag.fingerprint: flag for flag in stored_flags}
        # Join flags stay as they are (a join stands until an editor splits it); doubts the
        # issue no longer gives (the missing page came, the tie was joined by hand) are closed.
        self.stale += [flag.pk for flag in stored_flags
                       if flag.code in (JUMP_PENDING, CONTINUATION_UNMATCHED)
                       and flag.status == ReviewFlag.Status.OPEN and flag.fingerprint not in plan.flags]
        for print_, fields in plan.flags.items():
            if print_ not in stored:
                fields = {"message_key": fields["code"], **fields}
                self.new.append(ReviewFlag(issue=issue, fingerprint=print_, **fields))
            elif stored[print_].status == ReviewFlag.Status.SUPERSEDED:
                self.reopen.append(stored[print_].pk)

    def write(self) -> None:
        if self.stale:
            ReviewFlag.objects.filter(pk__in=self.stale).update(
                status=ReviewFlag.Status.SUPERSEDED, resolved_at=timezone.now())
        if self.new:
            ReviewFlag.objects.bulk_create(self.new)
        if self.reopen:
            ReviewFlag.objects.filter(pk__in=self.reopen).update(
                status=ReviewFlag.Status.OPEN, resolved_at=None, resolved_by=None)
