"""Flask-free building blocks shared by all domains: errors, clock, ids."""
