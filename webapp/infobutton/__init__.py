"""HL7 Infobutton: a health record's diagnosis or procedure code leads to the questions, a test, or a feed.

`GET /infobutton` takes the parameters of the HL7 Context-Aware Knowledge Retrieval (Infobutton)
URL-based implementation guide, as MedlinePlus Connect does, so a health record already wired for
MedlinePlus Connect needs only another base URL:

- `mainSearchCriteria.v.c` (the code) and `mainSearchCriteria.v.cs` (its code system: an HL7 OID
  or a FHIR URI), `mainSearchCriteria.v.dn` (display name, echoed, never matched). More codes may
  follow with a number (`.v.c1`/`.v.cs1` ... `.v.c9`, and `.v.c0`), as infobutton responders read
  them; MedlinePlus Connect itself takes one code per request.
- `knowledgeResponseType`: `text/html` (our default: a person clicked the link), `application/json`
  (MedlinePlus Connect's JSON, an Atom feed written as JSON) or `text/xml` (the Atom feed,
  MedlinePlus Connect's default).
- `informationRecipient` (`PAT`, the default, or `PROV`), `informationRecipient.languageCode.c`
  (`en`, or `es`/`sp` for Spanish; without it, the person's own language), `age.v.v` with
  `age.v.u` (UCUM `a`, `mo`, `wk`, `d`, `h`, `min`; made whole years, nonsense dropped),
  `taskContext.c.c` (echoed). Any other parameter is ignored: records send many.

A diagnosis code (ICD-10-CM, SNOMED CT) leads a patient to the questions with the body area (and
the situation, where the code says it, and the age) filled in; the person checks and carries on. A
clinician (`PROV`) goes to the rule table of that body area instead. A procedure code (LOINC) leads
to the test's page. The code maps are rules data (rules/codes/, webapp/rulebook/codes.py).

Sources for the parameters and the answer's shape:
- https://medlineplus.gov/medlineplus-connect/web-service/ (parameters, `en`/`sp`, XML default, JSON)
- https://medlineplus.gov/medlineplus-connect/technical-information/ (GET only, one code per request)
- a MedlinePlus Connect JSON answer (`feed`, `{"_value": ...}`, `category` scheme/term, `entry`
  link/summary), kept in cerberushealthcare/analytics at commit 65afb588c80d:
  https://github.com/cerberushealthcare/analytics/blob/65afb588c80d52f895e70cbaf71f630c7f26ec74/sec/js/_ui/test1.js
- https://www.open-emr.org/wiki/index.php/Clinical_decision_support_(MU3) (the URL-based guide of
  HL7 V3 IG Context-Aware Knowledge Retrieval (Infobutton) Release 4, as certified EHRs use it)
- numbered criteria (`mainSearchCriteria.v.c1`, `.v.cs1`, ...) as open-source infobutton responders
  read them (the request tests of bireme/BVS-InfoButton and of another open-source responder)
"""

from .feed import atom_xml, feed
from .links import MISSING_PAGE, PAGE, Link, links_for
from .openapi import openapi_path, openapi_schemas
from .request import JSON, XML, KnowledgeRequest, read_request, whole_years

__all__ = [
    "JSON",
    "MISSING_PAGE",
    "PAGE",
    "XML",
    "KnowledgeRequest",
    "Link",
    "atom_xml",
    "feed",
    "links_for",
    "openapi_path",
    "openapi_schemas",
    "read_request",
    "whole_years",
]
