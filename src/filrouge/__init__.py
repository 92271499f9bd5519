"""filrouge: turn a pile or a stream of news articles into stories.

>>> import filrouge
>>> callable(filrouge.open)
True
"""

from .api import Filrouge, Progress, open
from .article import Article, Entity, IngestReport, Mention, PublishedDate, Quote, RawArticle, Rejection, Removed
from .settings import Settings

__version__ = "0.1.0"
__all__ = [
    "Article", "Entity", "Filrouge", "IngestReport", "Mention", "Progress", "PublishedDate", "Quote",
    "RawArticle", "Rejection", "Removed", "Settings", "open",
]
