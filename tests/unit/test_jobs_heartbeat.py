"""How long a job may go without a heartbeat (CASEAPP_JOBS_STALE_SECONDS), and how often a
running job beats so that it is never given up on while it lives."""

import pytest

from caseapp.config import ConfigError, load_config
from caseapp.jobs.runner import HEARTBEAT_SECONDS, heartbeat_seconds


def test_the_stale_timeout_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEAPP_ENV", "development")
    monkeypatch.delenv("CASEAPP_JOBS_STALE_SECONDS", raising=False)
    assert load_config(str(tmp_path))["JOBS_STALE_SECONDS"] == 120
    monkeypatch.setenv("CASEAPP_JOBS_STALE_SECONDS", "30")
    assert load_config(str(tmp_path))["JOBS_STALE_SECONDS"] == 30
    monkeypatch.setenv("CASEAPP_JOBS_STALE_SECONDS", "two minutes")
    with pytest.raises(ConfigError, match="CASEAPP_JOBS_STALE_SECONDS"):
        load_config(str(tmp_path))


@pytest.mark.parametrize("stale", [120, 30, 4, 1])
def test_a_live_job_beats_several_times_before_it_would_count_as_stale(stale):
    every = heartbeat_seconds(stale)
    assert every <= HEARTBEAT_SECONDS
    assert every * 4 <= max(stale, 0.8)


def test_the_default_timeout_keeps_the_ten_second_heartbeat():
    assert heartbeat_seconds(120) == HEARTBEAT_SECONDS
