"""One module per language: its words and its realiser (see :mod:`captioning.lang.words`)."""
