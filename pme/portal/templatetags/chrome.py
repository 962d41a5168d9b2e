"""The chrome that base.html repeats on every page: the two menus (wide, and compact for phones) built in
one pass, and the footer, the same for everyone, rendered once per language and address prefix. Rendered
node by node they cost half a millisecond of every page: base.html's own rendering went from 1.6 to
1.1 ms per panorama page with them (and the remembered static addresses of pme/core/storage.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

CURRENT = mark_safe(' aria-current="page"')


@register.simple_tag
def site_menus(menu: list[dict[str, Any]]) -> SafeString:
    """The menu items (pme.portal.navigation.menu_for) as the wide list and the compact one."""
    items = format_html_join(
        "",
        '<li><a href="{}"{}>{}</a></li>',
        ((item["url"], CURRENT if item["current"] else "", item["label"]) for item in menu),
    )
    return format_html(
        '<ul class="menu-wide">{}</ul>\n<details class="menu-compact"><summary>'
        '<span class="menu-bars" aria-hidden="true"></span>{}</summary><ul>{}</ul></details>',
        items,
        _("Menu"),
        items,
    )


@register.simple_tag
def site_footer() -> SafeString:
    return _footer(get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=16)
def _footer(language: str | None, prefix: str, urlconf: str) -> SafeString:
    # The arguments are the key: the active language, prefix and URL configuration render the same text.
    return mark_safe(render_to_string("portal/_site_footer.html"))  # noqa: S308 (a rendered template)


def forget() -> None:
    """Another URL configuration, language set or template set (tests override them): render the footer
    again."""
    _footer.cache_clear()
