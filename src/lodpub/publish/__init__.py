"""Publishing a built dist/: pushing it to SPARQL stores, serving it as Linked Data."""
