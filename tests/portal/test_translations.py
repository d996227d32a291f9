"""Every string the portal shows is translated into Dutch, French and English.

(a) Each entry of portal/locale/<language>/LC_MESSAGES/django.po has a translation that
    is not empty and not marked fuzzy (gettext ignores fuzzy entries: the screen would show
    the English source text).
(b) The catalogues hold exactly the strings of the code: ``makemessages`` runs on a copy of
    the project, writing into a temporary locale directory, and its msgids must equal each
    catalogue's. A string added to the code without a translation pass fails here; so does
    a catalogue entry whose string left the code.

When these fail: ``manage.py makemessages -l nl -l fr -l en --no-location -i '.venv/*'
-i 'tests/*' -i 'bench/*'``, translate the new entries, remove the fuzzy flags.
"""

import hashlib
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "portal" / "locale"
LANGUAGES = ["nl", "fr", "en"]
# What makemessages must not read: as on the command line above (and hidden directories,
# which makemessages skips by itself).
NOT_SOURCE = {".venv", "tests", "bench", "docs", "staticfiles", "var"}
SHOWN = 15


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def msgids(po: polib.POFile) -> set[tuple]:
    return {key(entry) for entry in po if not entry.obsolete}


def describe(keys) -> str:
    lines = [
        f"  {msgid!r}" + (f" (context {context!r})" if context else "")
        for context, msgid, _plural in sorted(keys, key=lambda k: (k[1], k[0] or ""))[:SHOWN]
    ]
    if len(keys) > SHOWN:
        lines.append(f"  … and {len(keys) - SHOWN} more")
    return "\n".join(lines)


def untranslated(entry: polib.POEntry) -> str | None:
    if entry.fuzzy:
        return "fuzzy"
    if entry.msgid_plural:
        if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
            return "empty plural form"
    elif not entry.msgstr:
        return "empty"
    return None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_entry_is_translated(language):
    problems = {}
    for entry in catalogue(language):
        if not entry.obsolete and (problem := untranslated(entry)):
            problems.setdefault(problem, set()).add(key(entry))
    assert not problems, "\n".join(
        f"{len(keys)} {problem} entries in {language}/LC_MESSAGES/django.po:\n{describe(keys)}"
        for problem, keys in problems.items()
    )


def snapshot(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with a hash of its content."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple]:
    """The msgids ``makemessages`` finds in the code today.

    It runs on a copy of the project: run in the project itself, it would write the .po of
    every app with its own locale directory (portal/locale) in place, and leave temporary
    files next to the templates while it works. The real catalogues must stay untouched.
    """
    work = tmp_path_factory.mktemp("makemessages")
    source, output = work / "source", work / "locale"
    source.mkdir()
    for path in ROOT.iterdir():
        if path.name in NOT_SOURCE or path.name.startswith("."):
            continue
        if path.is_dir():
            shutil.copytree(
                path,
                source / path.name,
                ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.sqlite3*"),
            )
        elif path.suffix == ".py":
            shutil.copy2(path, source / path.name)
    before = snapshot(LOCALE)

    with override_settings(LOCALE_PATHS=[str(output)]), pytest.MonkeyPatch.context() as patch:
        patch.chdir(source)
        call_command(
            "makemessages",
            locale=["nl"],
            ignore_patterns=[".venv/*", "tests/*", "bench/*"],
            no_location=True,
            verbosity=0,
        )

    assert snapshot(LOCALE) == before, "makemessages changed the real catalogues"
    written = sorted(str(p.relative_to(work)) for p in work.rglob("*.po"))
    assert written == ["locale/nl/LC_MESSAGES/django.po"], written
    return msgids(polib.pofile(str(output / "nl" / "LC_MESSAGES" / "django.po")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_translatable_string_of_the_code(extracted, language):
    assert len(extracted) > 500  # the extraction found the portal's strings
    known = msgids(catalogue(language))
    missing, stale = extracted - known, known - extracted
    assert not missing and not stale, "\n".join(
        [
            f"{language}/LC_MESSAGES/django.po differs from the strings in the code:",
            f"{len(missing)} string(s) in the code but not in the catalogue:",
            describe(missing),
            f"{len(stale)} entr(y/ies) in the catalogue no longer in the code:",
            describe(stale),
        ]
    )
