"""Exports of a record: FHIR R4 bundle, school vaccination certificate, growth chart."""
