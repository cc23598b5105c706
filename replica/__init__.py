"""A local replica of the target news site, for the demo, the tests and the benchmarks."""

from .content import SiteContent
from .server import Faults, Replica

__all__ = ["Faults", "Replica", "SiteContent"]
