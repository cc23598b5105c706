// Clicks a listing's load-more button until it is gone, the last batch brought nothing new, every
// card of the last batch is a stored article (knownPaths) or older than `since`, or the budget of
// clicks or time is spent. Returns what it did; the listing's HTML then holds every card.
async ({cardSelector, moreSelector, maxClicks, knownPaths, sinceMs, timeoutMs}) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const deadline = Date.now() + timeoutMs;
  const known = new Set(knownPaths);
  const cards = () => Array.from(document.querySelectorAll(cardSelector));
  const oldOrKnown = (card) => {
    const path = new URL(card.href, location.href).pathname;
    if (known.has(path)) return true;
    const when = Date.parse(card.textContent.match(/[A-Z][a-z]{2} \d{1,2}, \d{4}/)?.[0] || "");
    return sinceMs !== null && !Number.isNaN(when) && when < sinceMs;
  };
  let clicks = 0, seen = cards().length, reason = "no-button";
  while (clicks < maxClicks && Date.now() < deadline) {
    const batch = cards().slice(-10);
    if (batch.length && batch.every(oldOrKnown)) { reason = "reached-known-or-since"; break; }
    const button = document.querySelector(moreSelector);
    if (!button) { reason = "no-button"; break; }
    button.click();
    clicks += 1;
    while (Date.now() < deadline && cards().length === seen && document.querySelector(moreSelector)) await sleep(50);
    await sleep(30);
    if (cards().length === seen) { reason = "nothing-new"; break; }
    seen = cards().length;
  }
  return {clicks, cards: cards().length, reason};
}
