"""One module per part of the report; each computes its figures once from the shared context."""
