// Scrolls the sentinel into view until the placeholder is gone and no card arrives during a quiet
// period; returns what it saw. It scrolls again the moment the list changes (a MutationObserver),
// as a reader would: new cards push the sentinel out of view, and the next batch is only asked
// for once it is back. The quiet period counts rendering frames as well as time: under load,
// IntersectionObserver reports (which arrive with frames) come late, and a time-only wait took a
// slow batch for the end of the block. Plain data in, plain data out: JOBDIR can pickle it.
async ({listSelector, cardSelector, loadingSelector, sentinelSelector, timeoutMs, settleMs}) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const frame = () => Promise.race([new Promise((resolve) => requestAnimationFrame(resolve)), sleep(1000)]);
  const deadline = Date.now() + timeoutMs;
  const list = document.querySelector(listSelector);
  // The outcome goes into the page itself, so the response's HTML carries it to the parser.
  const stamp = (outcome) => {
    const root = document.documentElement;
    root.setAttribute("data-newscrawler-related", outcome.status);
    // The zone the browser wrote its dates in, for pages whose script formats them.
    root.setAttribute("data-newscrawler-timezone", Intl.DateTimeFormat().resolvedOptions().timeZone);
    return outcome;
  };
  if (!list) return stamp({status: "absent", cards: 0, reason: "no-block"});
  const count = () => list.querySelectorAll(cardSelector).length;
  const loading = () => list.querySelector(loadingSelector) !== null;
  const scroll = () => {
    const target = document.querySelector(sentinelSelector) || list;
    target.scrollIntoView({block: "end"});
    window.scrollBy(0, 1);
  };
  const untilQuiet = async () => {
    let seen = -1, quietSince = Date.now(), quietChecks = 0;
    while (Date.now() < deadline) {
      scroll();
      await frame();
      await frame();
      const now = count();
      if (loading() || now !== seen) {
        seen = now;
        quietSince = Date.now();
        quietChecks = 0;
        continue;
      }
      quietChecks += 1;
      if (quietChecks >= 3 && Date.now() - quietSince >= settleMs) return {status: "complete", cards: now};
    }
    const cards = count();
    return {status: cards && !loading() ? "complete" : cards ? "partial" : "unavailable", cards, reason: "timeout"};
  };
  const changes = new MutationObserver(scroll);
  changes.observe(list, {childList: true, subtree: true});
  try {
    return stamp(await untilQuiet());
  } finally {
    changes.disconnect();
  }
}
