"""Offices (integration centre, job centre, ...), the districts they serve and their hours."""
