"""Name the organisation behind a source link, for pages and the printed handout."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

SOURCE_NAMES = {
    "cancer.org": "American Cancer Society",
    "cancer.gov": "National Cancer Institute",
    "cancer.net": "Cancer.Net (ASCO)",
    "radiologyinfo.org": "RadiologyInfo (ACR and RSNA)",
    "acr.org": "American College of Radiology",
    "acsearch.acr.org": "ACR Appropriateness Criteria",
    "gravitas.acr.org": "ACR Appropriateness Criteria",
    "uspreventiveservicestaskforce.org": "US Preventive Services Task Force",
    "fda.gov": "US Food and Drug Administration",
    "imagewisely.org": "Image Wisely",
    "choosingwisely.org": "Choosing Wisely",
    "nccn.org": "NCCN",
    "ncbi.nlm.nih.gov": "PubMed",
    "pmc.ncbi.nlm.nih.gov": "PubMed Central",
    "pubmed.ncbi.nlm.nih.gov": "PubMed",
    "doi.org": "Journal article",
    "api.fda.gov": "US Food and Drug Administration (drug label)",
    "auanet.org": "American Urological Association",
    "snmmi.org": "Society of Nuclear Medicine and Molecular Imaging",
    "tech.snmjournals.org": "Journal of Nuclear Medicine Technology",
    "jnm.snmjournals.org": "Journal of Nuclear Medicine",
    "ashpublications.org": "American Society of Hematology",
    "cdc.gov": "CDC",
    "aapm.org": "American Association of Physicists in Medicine",
    "w3.aapm.org": "American Association of Physicists in Medicine",
    "ipdas.ohri.ca": "International Patient Decision Aid Standards",
}


@lru_cache(maxsize=1024)  # a page names the same few sources many times; urlsplit is not free
def source_name(url: str) -> str:
    """Name the organisation behind a source link, falling back to its web address."""
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return SOURCE_NAMES.get(host, host)
