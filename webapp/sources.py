"""Name the organisation behind a source link, for pages and the printed handout (in the page's language)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

SOURCE_NAMES = {
    "cancer.org": _l("American Cancer Society"),
    "cancer.gov": _l("National Cancer Institute"),
    "cancer.net": _l("Cancer.Net (ASCO)"),
    "radiologyinfo.org": _l("RadiologyInfo (ACR and RSNA)"),
    "acr.org": _l("American College of Radiology"),
    "acsearch.acr.org": _l("ACR Appropriateness Criteria"),
    "gravitas.acr.org": _l("ACR Appropriateness Criteria"),
    "uspreventiveservicestaskforce.org": _l("US Preventive Services Task Force"),
    "fda.gov": _l("US Food and Drug Administration"),
    "imagewisely.org": _l("Image Wisely"),
    "choosingwisely.org": _l("Choosing Wisely"),
    "nccn.org": _l("NCCN"),
    "ncbi.nlm.nih.gov": _l("PubMed"),
    "pmc.ncbi.nlm.nih.gov": _l("PubMed Central"),
    "pubmed.ncbi.nlm.nih.gov": _l("PubMed"),
    "doi.org": _l("Journal article"),
    "api.fda.gov": _l("US Food and Drug Administration (drug label)"),
    "auanet.org": _l("American Urological Association"),
    "snmmi.org": _l("Society of Nuclear Medicine and Molecular Imaging"),
    "tech.snmjournals.org": _l("Journal of Nuclear Medicine Technology"),
    "jnm.snmjournals.org": _l("Journal of Nuclear Medicine"),
    "ashpublications.org": _l("American Society of Hematology"),
    "cdc.gov": _l("CDC"),
    "medlineplus.gov": _l("MedlinePlus"),
    "aapm.org": _l("American Association of Physicists in Medicine"),
    "w3.aapm.org": _l("American Association of Physicists in Medicine"),
    "ipdas.ohri.ca": _l("International Patient Decision Aid Standards"),
}


@lru_cache(maxsize=1024)  # a page names the same few sources many times; urlsplit is not free
def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")


def source_name(url: str) -> str:
    """Name the organisation behind a source link, falling back to its web address."""
    host = _host(url)
    return str(SOURCE_NAMES.get(host, host))
