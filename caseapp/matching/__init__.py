"""Matching of newcomers and volunteers: pure engine here, adapters and views elsewhere."""
