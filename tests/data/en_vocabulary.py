"""Write the English vocabulary of ``pipeline/lexicon/en.toml`` (``[langid.vocabulary]``).

The words are SCOWL's (Spell Checker Oriented Word Lists, Kevin Atkinson; Debian package
``scowl``, version 2020.12.07) common English words, sizes 10, 20 and 35, with its capitalised words of those sizes (month
and weekday names, nationalities) — about 40,000 words, inflected forms included, British and
American spellings — lower-cased, without single letters and words carrying an apostrophe.  SCOWL's notice: "Copyright 2000-2011 by Kevin Atkinson. Permission
to use, copy, modify, distribute and sell these word lists, the associated scripts, the output
created from the scripts, and its documentation for any purpose is hereby granted without
fee, provided that the above copyright notice appears in all copies and that both that
copyright notice and this permission notice appear in supporting documentation."

Run (after ``apt-get install scowl``)::

    python tests/data/en_vocabulary.py > /tmp/vocabulary.toml

and put its output in place of the ``[langid.vocabulary]`` table at the end of en.toml.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

SCOWL = Path("/usr/share/dict/scowl")
LISTS = [f"{variety}-words.{size}" for variety in ("english", "american", "british") for size in (10, 20, 35)] \
    + ["english-upper.10", "english-upper.35"]  # month and weekday names, nationalities


def words() -> list[str]:
    out = set()
    for name in LISTS:
        for word in (SCOWL / name).read_text(encoding="utf-8").split():
            if "'" not in word and len(word) > 1:
                out.add(word.casefold())
    return sorted(out)


def toml() -> str:
    body = textwrap.fill(" ".join(words()), width=100, break_long_words=False, break_on_hyphens=False)
    return ('[langid.vocabulary]\n'
            '# Common English words (SCOWL sizes 10-35, Copyright 2000-2011 by Kevin Atkinson; notice and\n'
            '# how this table is made: tests/data/en_vocabulary.py). Each word of a text found here counts for\n'
            '# English as an ending does, and a text that stays tied is English when half its words are here.\n'
            f'words = """\n{body}\n"""\n')


if __name__ == "__main__":
    print(toml(), end="")
