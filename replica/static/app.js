// The replica's app (app mode): renders every page from the API, as the real site's React app does.
// The server prepends `window.__APP__ = {api, classes, relatedDelay}`; class names carry build hashes.
(function () {
  var APP = window.__APP__;
  var C = APP.classes;
  var N = APP.names;  // the API's field and call names of this build
  var V = APP.variant || {};  // how this app and its API differ from the plain shape (replica/app.py AppVariant)
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var root = document.getElementById("root");
  var path = location.pathname.replace(/\/+$/, "");
  var match = path.match(/^(?:\/([a-z]{2,3}))?\/article(?:\/(\d+))?$/);
  // Flashes: the timeline `/<lang>/news` and one flash `/<lang>/news/<id>` (`ko`: no prefix).
  var news = path.match(/^(?:\/([a-z]{2,3}))?\/news(?:\/(\d+))?$/);
  var edition = (match || news || [])[1];
  var lang = edition ? edition : "ko";
  var prefix = edition ? "/" + edition : "";

  function el(tag, component, text) {
    var node = document.createElement(tag);
    if (component) node.className = C[component];
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // A token asked for at run time and sent with every call (as `X-Api-Token`, or in the query as
  // `access_token` with `token_in_query`); a refused one is asked for again, once.
  var token = null;
  function session() {
    if (!token) token = fetch(APP.api + "/feed/v1/session?languageCode=" + lang).then(function (r) { return r.json(); })
      .then(function (data) { return data.token; });
    return token;
  }
  function api(url, options, again) {
    var ready = V.token_calls ? session() : Promise.resolve(null);
    return ready.then(function (t) {
      var init = Object.assign({}, options || {});
      var sent = url;
      if (t && V.token_in_query) sent += (url.indexOf("?") < 0 ? "?" : "&") + "access_token=" + encodeURIComponent(t);
      else if (t) init.headers = Object.assign({}, init.headers || {}, {"X-Api-Token": t});
      return fetch(APP.api + sent, init);
    }).then(function (r) {
      if (r.status === 401 && V.token_calls && !again) { token = null; return api(url, options, true); }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  // An instant as the API writes it: ISO 8601 with Z, epoch milliseconds, or the site's local time (KST).
  function toDate(value) {
    if (typeof value === "number") return new Date(value);
    if (!/(Z|[+-]\d\d:?\d\d)$/.test(value)) return new Date(value + "+09:00");
    return new Date(value);
  }
  function decoded(text) {
    if (!V.title_entities) return text;
    var area = document.createElement("textarea");
    area.innerHTML = text;
    return area.value;
  }
  // Dates in the browser's own time zone, as a React app using Date shows them.
  function clock(d) {
    var h = d.getHours() % 12 || 12;
    var m = ("0" + d.getMinutes()).slice(-2);
    return h + ":" + m + " " + (d.getHours() < 12 ? "AM" : "PM");
  }
  // The `ko` edition writes dates for Korean readers: `2023년 10월 17일 오후 9:03`, `3시간 전`, `2023.10.17`.
  function koreanClock(d) {
    return (d.getHours() < 12 ? "오전 " : "오후 ") + (d.getHours() % 12 || 12) + ":" + ("0" + d.getMinutes()).slice(-2);
  }
  function longDate(iso) {
    var d = toDate(iso);
    if (lang === "ko") return d.getFullYear() + "년 " + (d.getMonth() + 1) + "월 " + d.getDate() + "일 " + koreanClock(d);
    return MONTHS[d.getMonth()] + " " + d.getDate() + ", " + d.getFullYear() + ", " + clock(d);
  }
  function shortDate(iso) {
    var d = toDate(iso);
    var age = Date.now() - d.getTime();
    var ko = lang === "ko";
    if (age >= 0 && age < 3600e3) return Math.max(1, Math.floor(age / 60e3)) + (ko ? "분 전" : " minutes ago");
    if (age >= 0 && age < 86400e3) return Math.floor(age / 3600e3) + (ko ? "시간 전" : " hours ago");
    if (ko) return d.getFullYear() + "." + ("0" + (d.getMonth() + 1)).slice(-2) + "." + ("0" + d.getDate()).slice(-2);
    return MONTHS[d.getMonth()].slice(0, 3) + " " + d.getDate() + ", " + d.getFullYear();
  }
  function card(row, component, href) {
    var a = el("a", component);
    a.href = href;
    var parts = [el("h3", "ArticleTitle", decoded(row.title)), el("p", "ArticleDesc", row.description || "")];
    if (V.cards_in_article_content) {  // as the real listing builds its cards
      var wrap = el("div", "ArticleContent");
      wrap.append.apply(wrap, parts);
      parts = [wrap];
    }
    a.append.apply(a, parts.concat([el("span", "TimeWrap", shortDate(row.publishAt))]));
    return a;
  }
  function notFound() {
    root.replaceChildren(el("div", "NotFound", "The page you are looking for does not exist."));
  }
  function failed() {
    root.replaceChildren(el("div", "ErrorView", "Something went wrong. Please try again."));
  }

  function listing() {
    var container = el("div", "ArticleListContainer");
    var buttons = el("div", "CategoryBar");
    var list = el("div", "ArticleList");
    var more = el("button", "ButtonWrapper", "Load more");
    var category = 0, last = null, position = 0;
    container.append(buttons, list);
    root.replaceChildren(container);
    function page() {
      var url = "/feed/v1/articles?limit=10&section=latest&categoryId=" + category + "&languageCode=" + lang;
      if (last) url += "&lastId=" + last.id + "&lastAt=" + encodeURIComponent(last.publishAt) + "&lastView=" + last.view;
      more.disabled = true;
      return api(url).then(function (rows) {
        rows.forEach(function (row) {
          var href = prefix + "/article/" + row.id + (position % 5 === 1 ? "?utm_source=listing" : "");
          list.append(card(row, "ArticleWrapper", href));
          position += 1;
        });
        last = rows.length ? rows[rows.length - 1] : last;
        more.disabled = false;
        if (rows.length === 10) container.append(more); else more.remove();
      }, failed);
    }
    more.addEventListener("click", page);
    api("/feed/v1/categories?languageCode=" + lang).then(function (categories) {
      categories.forEach(function (c) {
        var b = el("button", "CategoryButton", c.name);
        b.setAttribute("aria-pressed", c.id === category ? "true" : "false");
        b.addEventListener("click", function () {
          category = c.id; last = null; position = 0;
          buttons.querySelectorAll("button").forEach(function (o) { o.setAttribute("aria-pressed", "false"); });
          b.setAttribute("aria-pressed", "true");
          list.replaceChildren();
          page();
        });
        buttons.append(b);
      });
      return page();
    }, failed);
  }

  // The text as Markdown (`content_markdown`): paragraphs, `## ` headings, `- ` items, `> ` quotes.
  function markdown(container, text) {
    var list = null;
    text.split("\n\n").forEach(function (block) {
      var tag = {"## ": "h2", "- ": "li", "> ": "blockquote"}[block.slice(0, 3)] || {"- ": "li", "> ": "blockquote"}[block.slice(0, 2)] || "p";
      var body = tag === "h2" ? block.slice(3) : tag === "p" ? block : block.slice(2);
      if (tag === "li") { if (!list) container.append(list = document.createElement("ul")); list.append(el("li", null, body)); return; }
      list = null;
      container.append(el(tag, null, body));
    });
  }
  var QUERY = "query Article($id: Int!, $languageCode: String!) { article(id: $id, languageCode: $languageCode) " +
              "{ id title description categoryName publishAt updatedAt image { url alt caption } content tags } }";
  function articleCall(id) {
    if (V.graphql) {
      return api("/graphql", {method: "POST", headers: {"Content-Type": "application/json"},
                              body: JSON.stringify({query: QUERY, variables: {id: Number(id), languageCode: lang}})})
        .then(function (answer) {
          if (!answer.data || !answer.data.article) throw new Error("HTTP 404");
          return answer.data.article;
        });
    }
    var url = "/feed/v1/articles/" + id + "?languageCode=" + lang + (V.cache_buster ? "&_=" + Date.now() : "");
    return api(url).then(function (data) {
      if (!V.content_call) return data;
      return api("/feed/v1/contents/" + data.contentId + "?languageCode=" + lang).then(function (text) {
        data[N.content] = text.html;
        return data;
      });
    });
  }

  function article(id) {
    articleCall(id).then(function (data) {
      var header = el("div", "ArticleHeader");
      var meta = el("div", "ArticleMeta");
      meta.append(el("span", "CategoryName", data.categoryName), "\u00b7", el("span", "PublishDate", longDate(data.publishAt)));
      header.append(el("a", null, "Top"), el("h1", "ArticleDetailTitle", decoded(data[N.title])), meta);
      var parts = [header];
      if (data.image) {
        var figure = el("figure", "HeroFigure");
        var img = document.createElement("img");
        img.src = data.image.url;
        img.alt = data.image.alt || "";
        figure.append(img);
        if (data.image.caption) figure.append(el("figcaption", null, data.image.caption));
        parts.push(figure);
      }
      var content = el("div", "ArticleContent");
      if (V.content_markdown) markdown(content, data[N.content]);
      else content.innerHTML = data[N.content];
      var tags = el("ul", "TagList");
      (data.tags || []).forEach(function (t) { tags.append(el("li", null, t)); });
      if (V.cards_in_article_content) parts.splice(1, 0, moreToRead(id)), parts.push(content, tags);  // an aside first
      else parts.push(content, tags, moreToRead(id));
      root.replaceChildren.apply(root, parts);
      observe();
    }, function (error) {
      if (String(error).indexOf("404") >= 0) notFound(); else failed();
    });
  }

  var related, sentinel, offset = 0, lastId = null, busy = false, done = false, observer;
  function moreToRead(id) {
    var block = el("section", "MoreToRead");
    var head = el("div", "MoreToReadHead");
    var all = el("a", null, "View All");
    all.href = prefix + "/article";
    head.append(el("h2", null, "More to Read"), all);
    related = el("div", "RelatedList");
    related.setAttribute("data-id", id);
    related.append(el("div", "Loading", "Loading"));
    sentinel = el("div", "RelatedSentinel");
    block.append(head, related, sentinel);
    return block;
  }
  function observe() {
    observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) loadRelated();
    });
    observer.observe(sentinel);
  }
  function loadRelated() {
    if (busy || done) return;
    busy = true;
    if (!related.querySelector("." + C.Loading.split(" ")[1])) related.append(el("div", "Loading", "Loading"));
    setTimeout(function () {
      var base = "/feed/v1/articles/" + related.getAttribute("data-id") + "/" + N.related + "?languageCode=" + lang;
      var url = V.related_cursor ? base + "&limit=3" + (lastId ? "&lastId=" + lastId : "") : base + "&offset=" + offset;
      api(url)
        .then(function (answer) {
          // Paged by cursor: a bare array, its end a short page.
          var data = V.related_cursor ? {rows: answer, total: answer.length < 3 ? 0 : Infinity} : answer;
          if (data.rows.length) lastId = data.rows[data.rows.length - 1].id;
          var loading = related.querySelector("." + C.Loading.split(" ")[1]);
          if (loading) loading.remove();
          data.rows.forEach(function (row) {
            // An outside story's card linked to its outlet (`outside_related_outlet`), as some apps do.
            var outlet = V.outside_related_outlet && /^https?:\/\//.test(row.link || "");
            related.append(card(row, "RelatedCard", outlet ? row.link : prefix + "/article/" + row.id + "?ref=related"));
          });
          offset += data.rows.length;
          busy = false;
          if (!data.rows.length || offset >= data.total) { done = true; observer.disconnect(); return; }
          observer.unobserve(sentinel);
          observer.observe(sentinel);
        }, function () { busy = false; setTimeout(loadRelated, 500); });  // retried, as data hooks do
    }, APP.relatedDelay);
  }

  // -- flashes ---------------------------------------------------------------------------------
  function votes(row) {
    var box = el("div", "FlashVotes");
    box.append(el("span", "BullCount", String(row.bullCount)), el("span", "BearCount", String(row.bearCount)));
    return box;
  }
  function source(row) {
    if (!row.link) return null;
    var a = el("a", "FlashSource", row.linkTitle || row.link);
    a.href = row.link;
    a.rel = "noopener";
    return a;
  }
  function timeline() {
    var container = el("div", "FlashTimeline");
    var more = el("button", "ButtonWrapper", "Load more");
    var last = null;
    root.replaceChildren(container);
    function page() {
      var url = "/feed/v1/breaking-news?languageCode=" + lang + "&limit=20" + (last ? "&lastId=" + last.id : "");
      more.disabled = true;
      return api(url).then(function (rows) {
        rows.forEach(function (row) {
          var item = el("article", "FlashItem");
          var title = el("a", null);
          title.href = prefix + "/news/" + row.id;
          title.append(el("h3", "FlashTitle", row.title));
          var body = el("div", "FlashContent");
          body.innerHTML = row.content;
          item.append(el("time", "FlashDate", longDate(row.publishAt)), title, body);
          if (row.isImportant) item.prepend(el("span", "ImportantBadge", lang === "ko" ? "중요" : "Important"));
          var link = source(row);
          if (link) item.append(link);
          item.append(votes(row));
          container.append(item);
        });
        last = rows.length ? rows[rows.length - 1] : last;
        more.disabled = false;
        if (rows.length === 20) container.append(more); else more.remove();
      }, failed);
    }
    more.addEventListener("click", page);
    page();
  }
  function flash(id) {
    api("/feed/v1/breaking-news/" + id + "?languageCode=" + lang).then(function (row) {
      var detail = el("article", "FlashDetail");
      if (row.isImportant) detail.append(el("span", "ImportantBadge", lang === "ko" ? "중요" : "Important"));
      var body = el("div", "FlashContent");
      body.innerHTML = row.content;
      detail.append(el("h1", "FlashDetailTitle", row.title), el("time", "FlashDate", longDate(row.publishAt)), body);
      var link = source(row);
      if (link) detail.append(link);
      detail.append(votes(row));
      root.replaceChildren(detail);
    }, function (error) {
      if (String(error).indexOf("404") >= 0) notFound(); else failed();
    });
  }

  if (news) { if (news[2]) flash(news[2]); else timeline(); }
  else if (!match) notFound();
  else if (match[2]) article(match[2]);
  else listing();
})();
