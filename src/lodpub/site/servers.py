"""Content negotiation for the static site on nginx and on Apache httpd, as `lodpub serve` does
it: the same media type and bytes for `Accept: text/html` (a browser's default too),
`text/turtle`, `application/ld+json`, `application/n-triples` and `*/*` (Turtle), and for
``?format=html|ttl|jsonld|nt``; `Vary: Accept`; no redirect although a resource's files sit
beside a folder of its name; 404 for IRIs the dataset lacks; ``?page=N`` for a long list's
further pages. Static servers weigh media types by order, not by q-values (a client asking for
`text/html;q=0.5, text/turtle;q=0.9` gets HTML): the one thing they do differently."""

from __future__ import annotations

from .policy import SECURITY_HEADERS

MEDIA = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}


def nginx_conf(root: str = "/srv/lodpub-site", listen: str = "80") -> str:
    """An nginx ``http`` context fragment: two maps and the server (put it in ``conf.d/``). The
    security headers are set in each location that sets one of its own (nginx does not pass the
    server's ``add_header`` to those)."""
    headers = SECURITY_HEADERS.items()
    security = "".join(f'\n        add_header {name} "{value}" always;' for name, value in headers)
    server_security = security.replace("\n        ", "\n    ")
    return f"""# lodpub static site: content negotiation as `lodpub serve` does it.
# Include in nginx's http context; set root and listen.
map $http_accept $lodpub_accept {{
    default ttl;
    "~*text/html" html;
    "~*application/ld\\+json" jsonld;
    "~*application/n-triples" nt;
    "~*text/turtle" ttl;
}}
map $arg_format $lodpub_format {{
    default $lodpub_accept;
    html html;
    ttl ttl;
    jsonld jsonld;
    nt nt;
}}
map "$lodpub_format:$arg_page" $lodpub_page {{
    default "";
    "~^html:(?<number>[0-9]+)$" .page-$number;
}}
server {{
    listen {listen};
    root {root};
    charset utf-8;
    charset_types text/html text/turtle application/ld+json application/n-triples application/n-quads
                  application/trig text/plain application/json;
    types {{
        text/html html;
        text/turtle ttl;
        application/ld+json jsonld;
        application/n-triples nt;
        application/n-quads nq;
        application/trig trig;
        application/gzip gz;
        application/json json;
    }}
    default_type application/octet-stream;{server_security}
    location = / {{
        add_header Vary Accept always;{security}
        try_files /index.$lodpub_format =404;
    }}
    location = /letters {{
        try_files /letters.html =404;
    }}
    location = /cmif.xml {{
        default_type application/tei+xml;
        try_files $uri =404;
    }}
    location = /.well-known/void {{
        default_type text/turtle;
        try_files $uri =404;
    }}
    location ~ ^/(dump|dumps|index)/ {{
        try_files $uri =404;
    }}
    location ~ /\\. {{
        return 404;
    }}
    location / {{
        add_header Vary Accept always;{security}
        try_files $uri$lodpub_page.$lodpub_format $uri.$lodpub_format =404;
    }}
}}
"""


def apache_conf(root: str = "/srv/lodpub-site", listen: str = "80") -> str:
    """An Apache httpd ``VirtualHost`` (mod_rewrite, mod_headers, mod_mime)."""
    types = "\n".join(f'    AddType "{media}; charset=utf-8" .{ext}' for ext, media in MEDIA.items())
    headers = SECURITY_HEADERS.items()
    security = "\n".join(f'    Header always set {name} "{value}"' for name, value in headers)
    return f"""# lodpub static site: content negotiation as `lodpub serve` does it.
# Needs mod_rewrite, mod_headers and mod_mime; set DocumentRoot and the port.
<VirtualHost *:{listen}>
    DocumentRoot {root}
    <Directory {root}>
        Options -MultiViews -Indexes +FollowSymLinks
        <IfModule mod_dir.c>
            DirectorySlash Off
        </IfModule>
        AllowOverride None
        Require all granted
    </Directory>
{types}
    AddType "application/n-quads; charset=utf-8" .nq
    AddType "application/trig; charset=utf-8" .trig
    AddType "application/json; charset=utf-8" .json
    AddType application/gzip .gz
    RewriteEngine On
    # the representation: ?format= first, then the Accept header in order, else Turtle
    RewriteCond %{{QUERY_STRING}} (^|&)format=(html|ttl|jsonld|nt)(&|$)
    RewriteRule ^ - [E=LODPUB_FORMAT:%2]
    RewriteCond %{{ENV:LODPUB_FORMAT}} ^$
    RewriteCond %{{HTTP_ACCEPT}} text/html [NC]
    RewriteRule ^ - [E=LODPUB_FORMAT:html]
    RewriteCond %{{ENV:LODPUB_FORMAT}} ^$
    RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json [NC]
    RewriteRule ^ - [E=LODPUB_FORMAT:jsonld]
    RewriteCond %{{ENV:LODPUB_FORMAT}} ^$
    RewriteCond %{{HTTP_ACCEPT}} application/n-triples [NC]
    RewriteRule ^ - [E=LODPUB_FORMAT:nt]
    RewriteCond %{{ENV:LODPUB_FORMAT}} ^$
    RewriteRule ^ - [E=LODPUB_FORMAT:ttl]
    RewriteRule ^/\\.well-known/void$ - [T=text/turtle,L]
    RewriteRule ^/cmif\\.xml$ - [T=application/tei+xml,L]
    RewriteRule ^/\\. - [R=404,L]
    RewriteRule ^/(dump|dumps|index)/ - [L]
    RewriteRule ^/letters$ /letters.html [L]
    RewriteRule ^/$ /index.%{{ENV:LODPUB_FORMAT}} [L,E=LODPUB_NEGOTIATED:1]
    RewriteCond %{{ENV:LODPUB_FORMAT}} =html
    RewriteCond %{{QUERY_STRING}} (^|&)page=([0-9]+)(&|$)
    RewriteCond {root}%{{REQUEST_URI}}.page-%2.html -f
    RewriteRule ^(.*)$ $1.page-%2.html [L,E=LODPUB_NEGOTIATED:1]
    RewriteCond {root}%{{REQUEST_URI}}.%{{ENV:LODPUB_FORMAT}} -f
    RewriteRule ^(.*)$ $1.%{{ENV:LODPUB_FORMAT}} [L,E=LODPUB_NEGOTIATED:1]
    RewriteRule ^ - [R=404,L]
    Header always merge Vary Accept env=LODPUB_NEGOTIATED
{security}
</VirtualHost>
"""
