"""Web plumbing shared by all blueprints: access rules, forms, errors, headers."""
