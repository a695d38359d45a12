"""Browser helpers shared by the Playwright tests: wait for the app to be idle, choose an option in a list."""
from __future__ import annotations

IDLE = "!document.querySelector('[data-testid=stStatusWidget]')"
# the chips a multiselect shows, from the box or any element inside it (null for other widgets)
SHOWN = "e => { const box = e.closest('[data-testid=stMultiSelect]'); return box ? box.innerText : null; }"


def idle(page, timeout_ms: int) -> None:
    """Wait until Streamlit shows no running script (its status widget is gone)."""
    page.wait_for_function(IDLE, timeout=timeout_ms)


def choose(page, opener, option: str, *, timeout_ms: int) -> None:
    """Open the list behind `opener` (a select box or multiselect) and click `option`.

    A rerun still drawing the page can close a list just opened, so wait for the app to be idle first
    and open the list again if it closed under us, or if a multiselect's choice did not stick (no chip for it
    once the app is idle); three tries, then fail naming the option."""
    for _ in range(3):
        idle(page, timeout_ms)
        opener.click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=5_000)
            choice.click(timeout=5_000)
        except Exception:  # the list closed under us: open it again
            page.keyboard.press("Escape")
            continue
        idle(page, timeout_ms)
        shown = opener.evaluate(SHOWN)
        if shown is None or option in shown:  # a chip stuck: a rerun already under way can draw the old choice
            return
    raise AssertionError(f"could not choose {option!r}")
