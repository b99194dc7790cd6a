"""Checks on time windows as pandas returns them (naive Timestamps in the session time zone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd


def to_utc(ts: pd.Timestamp, session_tz: str) -> datetime:
    return ts.to_pydatetime().replace(tzinfo=ZoneInfo(session_tz)).astimezone(ZoneInfo("UTC"))


def assert_windows_of_one_instant(
    windows: list[dict[str, pd.Timestamp]], width: timedelta, slide: timedelta
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The windows are `width` long, start on the `slide` grid, number width/slide, and all contain
    one common instant: the batch time of the rows they count. Returns that instant's range."""
    assert len(windows) == width // slide, windows
    for w in windows:
        assert set(w) == {"start", "end"}, w
        assert isinstance(w["start"], pd.Timestamp) and isinstance(w["end"], pd.Timestamp), w
        assert w["end"] - w["start"] == width, w
        since_epoch = w["start"] - pd.Timestamp(0)
        assert since_epoch % slide == timedelta(0), w
    lo = max(w["start"] for w in windows)
    hi = min(w["end"] for w in windows)
    assert hi - lo == slide, windows
    return lo, hi
