"""Sentiment and customer-experience pillar tags for customer-care free text (it, en).

    >>> from conversations.sentiment import analyze
    >>> analyze("ancora non ho ricevuto il rimborso", "it").label
    'negative'

Heavy parts (lingua's models, TextBlob's lexicons) load on the first `analyze` call.
"""

from conversations.terms import Pillar

from .analyzer import analyze
from .models import PillarTag, Sentiment

__all__ = ["Pillar", "PillarTag", "Sentiment", "analyze"]
