"""One router per resource: measures, clauses, policy data, changes, health."""
