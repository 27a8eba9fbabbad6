"""Words for the fixed categories in the rule data (levels, radiation bands, what a test uses)."""

from __future__ import annotations

LEVELS = {
    "commonly_used": "Commonly used",
    "sometimes_used": "Sometimes used",
    "not_usually_used": "Not usually used for this",
}

RADIATION_BANDS = {
    "none": "None",
    "under_0.1": "Under 0.1 mSv",
    "0.1_to_1": "0.1 to 1 mSv",
    "1_to_10": "1 to 10 mSv",
    "10_to_30": "10 to 30 mSv",
    "varies": "Varies",
}

# The scale drawn on cards: the five bands in order ("varies" is said in words instead).
RADIATION_SCALE = ("none", "under_0.1", "0.1_to_1", "1_to_10", "10_to_30")

USES = {
    "xray": "X-rays",
    "sound_waves": "Sound waves",
    "magnets": "Magnets and radio waves",
    "tracer": "A radioactive tracer",
}

CONTRAST = {
    "none": "No dye (contrast)",
    "sometimes": "Sometimes uses dye (contrast)",
    "usually": "Usually uses dye (contrast)",
}
