"""Referral routing between offices: service directory, routing rules, consent-scoped referrals."""
