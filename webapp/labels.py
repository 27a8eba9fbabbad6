"""Words for the fixed categories in the rule data (levels, radiation bands, what a test uses).

Each is a lazy string, said in the request's language when a page shows it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LEVELS = {
    "commonly_used": _l("Commonly used"),
    "sometimes_used": _l("Sometimes used"),
    "not_usually_used": _l("Not usually used for this"),
}

RADIATION_BANDS = {
    "none": _l("None"),
    "under_0.1": _l("Under 0.1 mSv"),
    "0.1_to_1": _l("0.1 to 1 mSv"),
    "1_to_10": _l("1 to 10 mSv"),
    "10_to_30": _l("10 to 30 mSv"),
    "varies": _l("Varies"),
}

# The scale drawn on cards: the five bands in order ("varies" is said in words instead).
RADIATION_SCALE = ("none", "under_0.1", "0.1_to_1", "1_to_10", "10_to_30")

USES = {
    "xray": _l("X-rays"),
    "sound_waves": _l("Sound waves"),
    "magnets": _l("Magnets and radio waves"),
    "tracer": _l("A radioactive tracer"),
}

CONTRAST = {
    "none": _l("No dye (contrast)"),
    "sometimes": _l("Sometimes uses dye (contrast)"),
    "usually": _l("Usually uses dye (contrast)"),
}
