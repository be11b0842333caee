"""lodpub: publish archival correspondence as CIDOC-CRM / Dublin Core Linked Data."""

__version__ = "0.1.0"
