from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.LOCALE_PATHS[0])


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_message_has_a_chinese_translation(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_translations_keep_every_placeholder(language):
    import re

    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    for entry in catalogue.translated_entries():
        placeholders = set(re.findall(r"%\(\w+\)s", entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(re.findall(r"%\(\w+\)s", text)) == placeholders, entry.msgid


def test_the_catalogues_list_the_same_messages():
    ids = {
        language: {
            e.msgid
            for e in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
            if not e.obsolete
        }
        for language in ["zh_Hans", "zh_Hant", "en"]
    }
    assert ids["zh_Hans"] == ids["zh_Hant"] == ids["en"]


@pytest.mark.parametrize(
    ("language", "home", "logout"),
    [("zh-hans", "首页", "退出"), ("zh-hant", "首頁", "退出"), ("en", "Home", "Log out")],
)
def test_switching_language_changes_every_page(client, world, language, home, logout):
    client.force_login(world.gridworker)
    response = client.post(reverse("set_language"), {"language": language, "next": "/places/"})
    assert response.status_code == 302
    page = client.get("/", follow=True).content.decode()
    assert f'<html lang="{language}">' in page
    assert home in page and logout in page


def test_chinese_is_the_default_even_for_an_english_browser(client, world):
    client.force_login(world.gridworker)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_chinese_translations_use_full_width_punctuation_between_chinese_words(language):
    # "照片(可选,最多 5 张)" reads as a machine's; "照片（可选，最多 5 张）" as a person's.
    # Markup and technical lists (<code>…</code>, {code, datatype}) keep their ASCII.
    import re

    half_width = re.compile(r"[\u4e00-\u9fff][:(),;!]|[:(),;!][\u4e00-\u9fff]")
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    offending = [
        entry.msgstr
        for entry in catalogue.translated_entries()
        if not re.search(r"[<{\[]", entry.msgstr)
        and half_width.search(re.sub(r"%\(\w+\)[sd]", "X", entry.msgstr))
    ]
    assert offending == []
