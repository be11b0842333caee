"""Namespaces and the prefixes the writers may declare. Nothing else lives here."""

CRM = "http://www.cidoc-crm.org/cidoc-crm/"
DCTERMS = "http://purl.org/dc/terms/"
DCMITYPE = "http://purl.org/dc/dcmitype/"
MARCREL = "http://id.loc.gov/vocabulary/relators/"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
WD = "http://www.wikidata.org/entity/"
LANG = "http://publications.europa.eu/resource/authority/language/"
AAT = "http://vocab.getty.edu/aat/"
LODPUB = "https://w3id.org/lodpub/ns#"
RIGHTS_IN_COPYRIGHT = "http://rightsstatements.org/vocab/InC/1.0/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"

RDF_TYPE = RDF + "type"

#: prefix -> namespace, in the order the writers declare them.
PREFIXES: dict[str, str] = {
    "crm": CRM,
    "dcterms": DCTERMS,
    "dcmitype": DCMITYPE,
    "marcrel": MARCREL,
    "prov": PROV,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "void": VOID,
    "dcat": DCAT,
    "foaf": FOAF,
    "wd": WD,
    "lang": LANG,
    "aat": AAT,
    "lodpub": LODPUB,
}
