"""yitu (一图): risk maps and emergency-resource planning for Chinese safety offices."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
