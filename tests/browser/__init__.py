"""Browser tests: the real pages in Debian's Chromium, driven by Playwright and checked with axe-core."""
