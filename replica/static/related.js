// "More to Read": filled only when scrolled into view, 3 cards per fetch, after a short delay.
(function () {
  var list = document.querySelector(".related-list");
  var sentinel = document.querySelector(".related-sentinel");
  if (!list || !sentinel) return;
  var articleId = list.getAttribute("data-article-id");
  var delay = parseInt(list.getAttribute("data-delay") || "120", 10);
  var offset = 0, busy = false, done = false;

  function setLoading(show) {
    var el = list.querySelector(".loading");
    if (show && !el) {
      el = document.createElement("div");
      el.className = "loading";
      el.textContent = "Loading";
      list.appendChild(el);
    }
    if (!show && el) el.remove();
  }

  function card(data) {
    var a = document.createElement("a");
    a.className = "card";
    a.href = data.url;
    var meta = document.createElement("div");
    meta.className = "card-meta";
    var section = document.createElement("span");
    section.className = "card-section";
    section.textContent = data.section;
    var date = document.createElement("span");
    date.className = "card-date";
    date.textContent = data.date;
    meta.append(section, "\u00b7", date);
    var title = document.createElement("h3");
    title.className = "card-title";
    title.textContent = data.title;
    var preview = document.createElement("div");
    preview.className = "card-preview";
    preview.textContent = data.preview;
    var tag = document.createElement("span");
    tag.className = "card-tag";
    tag.textContent = "news";
    a.append(meta, title, preview, tag);
    return a;
  }

  var observer = new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) load();
  });

  function load() {
    if (busy || done) return;
    busy = true;
    setLoading(true);
    setTimeout(function () {
      fetch("/api/articles/" + articleId + "/related?offset=" + offset)
        .then(function (r) { return r.json(); })
        .then(function (data) {
          setLoading(false);
          data.cards.forEach(function (c) { list.appendChild(card(c)); });
          offset += data.cards.length;
          busy = false;
          if (!data.cards.length || offset >= data.total) {
            done = true;
            observer.disconnect();
            return;
          }
          // Re-observing reports the sentinel again if it is still in view.
          observer.unobserve(sentinel);
          observer.observe(sentinel);
        })
        .catch(function () { busy = false; });
    }, delay);
  }

  observer.observe(sentinel);
})();
