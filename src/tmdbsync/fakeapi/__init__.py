"""A bundled fake TMDb v3 + OMDb API served over real HTTP on loopback.

Used by the demo, the tests and the benchmarks, since the real APIs are unreachable
here. Response shapes follow recorded real responses; data is generated
deterministically from a seed.
"""

from __future__ import annotations

from .catalogue import Catalogue
from .faults import Faults, ScriptedResponse
from .payloads import LangOpts
from .server import FakeApi, serve

__all__ = ["Catalogue", "FakeApi", "Faults", "LangOpts", "ScriptedResponse", "serve"]
