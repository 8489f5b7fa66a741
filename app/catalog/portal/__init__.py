"""Importer for the national public-service portal's records (see `record.read_record`)."""
