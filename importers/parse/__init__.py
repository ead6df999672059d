"""Read one OCR'd page (Markdown) into records: masthead or page header, articles, photos, ads.

Pure: the standard library, ``lunar_python`` and the pure ``newsroom.lib`` modules only,
no Django. The input is a page
of a Chinese daily that an OCR tool turned into Markdown:

* everything before the first ``## `` line is the page's header. A front page's is a
  masthead: dates, identifiers, the ``# `` paper name and its slogan, maybe a page line
  (第1版 要闻) and page staff (anything else there, such as QR-code captions, is
  ignored); without a page line it is page 1. An inside page has no masthead, only a
  page header of short lines in any order: the date and weekday, the page number
  (第2版, 第二版, 02版) with its page name (版名), the paper's name, the page staff
  (责任编辑:张三 版式:李四) and the web address; its date and page number are required
  and a line it cannot read is refused;
* each ``## `` line starts an article; a bold block (``**...**`` and the lines
  directly under it) is an advertisement and ends the article before it;
* inside an article, a run of two or more blank lines (or a ``![](...)`` line) is
  an empty image slot; a bold or ``### `` line of its own is a crosshead by markup.

The rules are general (punctuation, line shape, patterns), never keyed on one page:

Headings
    OCR joins the printed lines of a heading with single spaces. A heading is cut
    at those spaces into segments; a segment that opens with a conjunction or a
    particle (和, 与, 的, ...) or a closing mark continues the one before it. The
    first segment is a kicker (引题) when it ends in a reporting verb (…强调,
    …指出) or a time span (…近一年, …5个月, …以来). Otherwise type size decides:
    kickers and subheadlines are set smaller than the headline, so their printed
    lines hold more characters. A trailing segment of 10+ characters and 1.25
    times the longest headline segment is the subheadline; leading segments of
    that shape are the kicker. When unsure the whole heading is the headline.
    Joining kicker, headline and subheadline with single spaces gives the heading back.

Bylines
    The first paragraph may open with a dateline (本报讯, 本报杭州3月18日电,
    新华社北京3月18日电) and credits ending in 报道 (记者甲 见习记者乙报道,
    记者丙摄影报道) or in brackets (本报讯(记者甲 通讯员乙)). They are removed
    from the body.

Photos
    The paragraph after an empty image slot, or any paragraph carrying a ``摄``
    credit (at its end, on a hard-broken last line, or as the next paragraph), is
    a photo caption, not body text. An uncredited caption in an article whose
    byline says 摄影 is credited to that photographer (flag photo_credit_inferred).
    An item without a 报道 byline, short, whose last paragraph is its only ``摄``
    credit, is photo news (图片新闻): its text is both the body and the caption.

Column-break repairs (each one a FlagRecord an editor can undo)
    removed_furniture   phone numbers and page furniture (新闻服务热线, 本版编辑, a page
                        reference on a line of its own that is not the article's jump)
    removed_stray_line  a short unfinished fragment that repeats text found elsewhere
                        in the article (of two equal copies, the one interrupting an
                        unfinished paragraph goes, else the first)
    joined_paragraphs   a paragraph not ending in sentence-final punctuation runs on
                        into the next body paragraph (no space between: Chinese)
    crosshead_detected  a short line without punctuation after a finished paragraph,
                        followed by a paragraph, that does not read as an unfinished
                        sentence (no comma, no reporting verb, no dangling particle)
    truncated_article   the last paragraph still ends mid-sentence (a doubt, no undo)

    ``after`` is the smallest window around the repair that occurs once in the final
    body; ``before`` is that window with the repair undone, so each flag alone undoes
    its repair. A line removed where two halves of a paragraph were joined sits between
    them, so its undo restores the paragraph break as well; undoing several repairs is
    newsroom/lib/repairs.py's work, which undoes such a line after the join around it.

Jumps and continuations (one article on several pages; the loader joins the parts)
    jump_line           a jump (下转第3版) alone after the body or closing its last
                        paragraph leaves the body into ArticleRecord.jump (to_page,
                        mid_sentence); a jumping article is not truncated_article. A
                        page reference in a sentence (（这个通牒见第五版）) is text.
    continued_from      a ``## (上接第1版)`` heading, a repeated headline with the marker
                        before or after it, or a first paragraph opening with it: the
                        marker leaves the heading or paragraph into ArticleRecord.continued_from

Other doubts: unattached_credit (a 摄 credit under no caption), unassigned_text (page
text after an advertisement and before the next heading).

The steps, one module each (page.py calls them in this order):

    page            read_page, parse_page: bytes or text in, a PageRecord out; read_day: the
                    issue's date from the header alone
    decoding        decode_page: the encoding of a file (UTF-8, a byte-order mark, GB18030)
    pageheader      front page or inside page; an inside page's header, field by field
    pagenumbers     a printed page number (第二版, 02版) and a page line with its 版名
    staff           a line of page staff (roles: newsroom/lib/pagestaff.py)
    masthead        dates, issue number, identifiers, paper name, slogan, weekday check
    lunar           the lunar date of a day, and the lunar-date check
    columns         column_spans: the page cut into articles, advertisements, loose lines
    advertisements  an advertisement's advertiser, text, phone and website
    articles        a story or a photo-news item, from heading to truncation check
    jumps           the jump line that ends a part, the marker that opens a continuation
    paragraphs      an item's lines grouped into paragraphs
    headings        kicker, headline and subheadline
    bylines         dateline and credits
    photos          captions and their 摄 credits
    lines           what a line reads as: a finished sentence, a crosshead, furniture
    drafts, repairs, strays, windows
                    the column-break repairs, and the before/after that undoes each
    patterns        the punctuation and line shapes several steps share
"""

from importers.parse.decoding import decode_page
from importers.parse.page import MAX_PAGE_BYTES, parse_page, read_day, read_page

__all__ = ["MAX_PAGE_BYTES", "decode_page", "parse_page", "read_day", "read_page"]
