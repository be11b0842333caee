"""lodpub: publish archival correspondence as CIDOC-CRM / Dublin Core Linked Data."""

__version__ = "0.2.0"
