"""An independent Python peer for the Township Wire Protocol, version 1 (TWP/1)."""

from .frames import Code, FrameType, Role, Status  # noqa: F401
from .connection import Connection, Limits  # noqa: F401
