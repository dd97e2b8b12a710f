"""News triage: which core variable a news item informs (or that it is noise), and the figures inside it.

Reading feeds, the lexicon and figure extraction need only the core install. The classifier needs the ``news``
extra (scikit-learn; the embedding tier also torch and the packaged MiniLM model), imported only when used.
"""

from __future__ import annotations

from .figures import Figure, extract_figures
from .items import NewsInputError, NewsItem, ReadResult, read_items
from .lexicon import Lexicon

__all__ = ["Figure", "Lexicon", "NewsInputError", "NewsItem", "ReadResult", "extract_figures", "read_items"]
