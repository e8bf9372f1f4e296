"""Staff and account management by administrators."""
