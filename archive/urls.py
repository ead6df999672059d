from django.urls import path, register_converter

from archive import citing, converters, exports, feeds, suggestions, typeahead, views
from newsroom.pagecache import cached_public_page

register_converter(converters.IsoDateConverter, "isodate")
register_converter(converters.YearConverter, "year")
register_converter(converters.MonthConverter, "month")

app_name = "archive"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<year:year>/", views.year_calendar, name="year"),
    path("issues/<year:year>/<month:month>/", views.month_calendar, name="month"),
    path("issues/<isodate:date>/", views.issue_detail, name="issue"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/cite.<slug:fmt>", citing.article_citation, name="article-citation"),
    path("articles/<int:pk>/suggest/", suggestions.suggest, name="article-suggest"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/feed/", cached_public_page(scopes=views.person_scopes)(feeds.PersonFeed()), name="person-feed"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("tags/<str:slug>/feed/", cached_public_page(scopes=views.tag_scopes)(feeds.TagFeed()), name="tag-feed"),
    path("search/", views.search, name="search"),
    path("search/suggest/", typeahead.search_suggestions, name="search-suggest"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
    path("feeds/issues/", cached_public_page(scopes=views.front_scopes)(feeds.LatestIssuesFeed()), name="issues-feed"),
    # An index of sections, each cut into pages of ArchiveSitemap.limit addresses (?p=2, ...).
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
    path("data/", exports.exports_page, name="exports"),
    path("data/<str:name>", exports.export_file, name="export-file"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("language/", views.switch_language, name="language"),
]
