"""Advertisements (importers/parse/advertisements.py) and where they cut the columns.
"""

from __future__ import annotations

from tests.parse.pages import (
    body_of,
    page,
)

# ------------------------------------------------------------------------- advertisements


def test_bold_block_is_an_advertisement_that_ends_the_article():
    result = page(
        "## 标题\n\n正文写完了。\n\n**ICBC 中国工商银行**  \n浙江省分行  \n电话银行:95588  \n"
        "网址:WWW.ICBC.COM.CN\n\n**中国银行**  \nBANK OF CHINA\n\n## 第二篇\n\n又一篇。\n"
    )
    assert [a.heading for a in result.articles] == ["标题", "第二篇"]
    assert [a.position for a in result.articles] == [1, 2]
    assert body_of(result.articles[0]) == "正文写完了。"
    first, second = result.advertisements
    assert (first.advertiser, first.phone, first.website) == (
        "中国工商银行",
        "95588",
        "WWW.ICBC.COM.CN",
    )
    assert first.text == "ICBC 中国工商银行\n浙江省分行\n电话银行:95588\n网址:WWW.ICBC.COM.CN"
    assert (second.advertiser, second.website, second.position) == ("中国银行", "", 2)


def test_customer_hotline_is_the_ad_phone():
    result = page("## 标题\n\n正文。\n\n**中国建设银行**  \n客户服务热线:95533 网址:www.ccb.com\n")
    (ad,) = result.advertisements
    assert (ad.phone, ad.website) == ("95533", "www.ccb.com")


def test_ad_website_is_found_without_a_label_and_email_domains_are_not_websites():
    result = page("## 标题\n\n正文。\n\n**某某公司**  \n邮箱 info@mou.com  \n官网www.mou.com.cn\n")
    (ad,) = result.advertisements
    assert (ad.advertiser, ad.phone, ad.website) == ("某某公司", "", "www.mou.com.cn")
