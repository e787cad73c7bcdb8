/*! Kuchikomi gallery embed: <div data-kuchikomi-gallery="SNAPSHOT-OR-API-URL"></div>
    <script async src=".../embed.js"></script>. No dependencies; captions are always text, never HTML.
    Counts views, clicks and sales without cookies: a page-view id in memory, and (on the brand's own site)
    a note of galleries seen or clicked in this tab's sessionStorage. Kuchikomi.conversion({...}) on the
    thank-you page. What is sent, field by field: the README, "What a campaign earned". */
(function () {
  "use strict";
  var CSS =
    ".kk-g{font:14px/1.5 system-ui,sans-serif;color:#222}.kk-g .kk-l{font-size:12px;color:#555;margin:0 0 8px}" +
    ".kk-g ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}" +
    ".kk-g.kk-carousel ul{display:flex;overflow-x:auto;scroll-snap-type:x mandatory}" +
    ".kk-g.kk-carousel li{flex:0 0 min(70%,320px);scroll-snap-align:start}" +
    ".kk-g .kk-nav{display:flex;justify-content:flex-end;gap:8px;margin-top:8px}" +
    ".kk-g .kk-nav button{min-width:44px;min-height:44px;font-size:20px;line-height:1;border:1px solid #bbb;border-radius:8px;background:#fff;color:#222;cursor:pointer}" +
    ".kk-g .kk-nav button:disabled{opacity:.4;cursor:default}.kk-g .kk-nav button:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    ".kk-g button.kk-o{display:block;width:100%;min-height:44px;padding:0;border:0;background:none;cursor:zoom-in;text-align:left;font:inherit;color:inherit}" +
    ".kk-g button.kk-o:focus-visible,dialog.kk-d :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    ".kk-g picture{display:block;overflow:hidden}.kk-g img{display:block;width:100%;height:100%;object-fit:cover}" +
    ".kk-g .kk-c{display:block;font-size:13px;overflow-wrap:anywhere}" +
    ".kk-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}" +
    "dialog.kk-d{box-sizing:border-box;width:auto;max-width:min(94vw,960px);max-height:94vh;padding:12px;border:0;border-radius:8px;overflow:auto;font:14px/1.5 system-ui,sans-serif;color:#222}" +
    "dialog.kk-d::backdrop{background:rgba(0,0,0,.8)}" +
    "dialog.kk-d .kk-ph{display:flex;justify-content:center;touch-action:pan-y}" +
    "dialog.kk-d picture{display:block}" +
    "dialog.kk-d img{display:block;width:auto;height:auto;max-width:100%;max-height:min(70vh,900px);object-fit:contain;margin:0 auto}" +
    "dialog.kk-d .kk-c{margin:8px 0 0;overflow-wrap:anywhere;max-width:60ch}" +
    "dialog.kk-d .kk-n{font-size:12px;color:#555;margin:4px 0 0}" +
    "dialog.kk-d .kk-top{display:flex;align-items:center;justify-content:space-between;gap:8px;margin:-4px 0 8px}" +
    "dialog.kk-d .kk-top .kk-n{margin:0}" +
    "dialog.kk-d .kk-bar{display:flex;gap:8px;align-items:center;justify-content:space-between;margin-top:8px}" +
    "dialog.kk-d button{min-width:44px;min-height:44px;font-size:20px;line-height:1;border:1px solid #bbb;border-radius:8px;background:#fff;color:#222;cursor:pointer}" +
    "dialog.kk-d a.kk-p{display:inline-flex;align-items:center;justify-content:center;text-align:center;min-height:44px;padding:4px 16px;border-radius:8px;background:#1a1a1a;color:#fff;text-decoration:none;font-weight:600;flex:0 1 28rem;overflow-wrap:anywhere}" +
    "dialog.kk-d a.kk-p[hidden]{display:none}";

  // ---- beacons -------------------------------------------------------------------------------------------
  var SCRIPT = document.currentScript && document.currentScript.src;
  var ENDPOINT = SCRIPT ? SCRIPT.replace(/\/static\/embed\/embed\.js(\?.*)?$/, "/api/v1/events") : "";
  var TOUCHES = "kuchikomi.touches";
  var pageView = (function () {
    var bytes = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  })();
  var counter = 0;
  var human = false;
  var waiting = []; // beacons held until the page has seen a person

  function post(body) {
    if (!ENDPOINT) return;
    var text = JSON.stringify(body);
    if (navigator.sendBeacon && navigator.sendBeacon(ENDPOINT, text)) return;
    try { fetch(ENDPOINT, { method: "POST", body: text, keepalive: true, mode: "no-cors", credentials: "omit" }); } catch (e) { /* not counted */ }
  }
  function send(gallery, event) {
    event.n = counter++;
    var body = { g: gallery, pv: pageView, h: 1, e: [event] };
    if (human) post(body);
    else waiting.push(body);
  }
  function sawPerson() {
    if (human) return;
    human = true;
    waiting.splice(0).forEach(post);
  }
  ["scroll", "wheel", "pointerdown", "pointermove", "touchstart", "keydown"].forEach(function (name) {
    window.addEventListener(name, sawPerson, { passive: true, capture: true });
  });

  function touches() {
    try { return JSON.parse(window.sessionStorage.getItem(TOUCHES) || "[]") || []; } catch (e) { return []; }
  }
  function remember(touch) {
    if (FRAMED) return; // inside our iframe: another site's storage, useless for attribution
    try {
      var list = touches().filter(function (t) { return t && t.g; });
      touch.t = Date.now();
      list.push(touch);
      window.sessionStorage.setItem(TOUCHES, JSON.stringify(list.slice(-20)));
    } catch (e) { /* storage off: no attribution, nothing else lost */ }
  }
  var FRAMED = window.top !== window.self && /\/embed\/g\//.test(location.pathname);

  // An impression: the gallery at least half in view (or filling half the screen) for one second.
  function watch(root, gallery, photoOf) {
    if (!("IntersectionObserver" in window)) return;
    var timer = null, done = false;
    function inSight() {
      var seen = [];
      var height = window.innerHeight || document.documentElement.clientHeight;
      Array.prototype.forEach.call(root.querySelectorAll("[data-kk-photo]"), function (node) {
        var box = node.getBoundingClientRect();
        var visible = Math.min(box.bottom, height) - Math.max(box.top, 0);
        if (box.height && visible / box.height >= 0.5 && box.right > 0 && box.left < window.innerWidth) {
          seen.push(photoOf(node));
        }
      });
      return seen.slice(0, 50);
    }
    var thresholds = [];
    for (var i = 0; i <= 20; i++) thresholds.push(i / 20);
    var observer = new IntersectionObserver(function (entries) {
      var entry = entries[entries.length - 1];
      var height = window.innerHeight || document.documentElement.clientHeight;
      var enough = entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= height / 2;
      if (enough && !timer && !done) {
        timer = setTimeout(function () {
          done = true;
          observer.disconnect();
          var seen = inSight();
          send(gallery, { k: "impression", ps: seen });
          remember({ g: gallery, p: seen[0] || "", pr: "", c: 0 });
        }, 1000);
      } else if (!enough && timer) {
        clearTimeout(timer);
        timer = null;
      }
    }, { threshold: thresholds });
    observer.observe(root);
  }

  function productClick(gallery, photo, product) {
    send(gallery, { k: "click", p: photo, pr: product });
    remember({ g: gallery, p: photo, pr: product, c: 1 });
  }

  // ---- the gallery ---------------------------------------------------------------------------------------
  function el(tag, cls) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    return node;
  }
  function text(tag, cls, value) {
    var node = el(tag, cls);
    node.textContent = value == null ? "" : String(value); // never innerHTML
    return node;
  }
  function srcset(list) {
    return list.map(function (i) { return i.url + " " + i.width + "w"; }).join(", ");
  }
  function safeUrl(url) {
    return /^https?:\/\//.test(url || "") ? url : "";
  }
  function picture(item, sizes, lazy, reserve) {
    var pic = el("picture");
    if (reserve) pic.style.aspectRatio = item.width + " / " + item.height; // the box is reserved before the image loads
    pic.style.background = /^#[0-9a-fA-F]{6}$/.test(item.placeholder) ? item.placeholder : "#ddd";
    var webp = (item.images.webp || []).filter(function (i) { return safeUrl(i.url); });
    var jpeg = (item.images.jpeg || []).filter(function (i) { return safeUrl(i.url); });
    if (webp.length) {
      var source = el("source");
      source.type = "image/webp";
      source.sizes = sizes;
      source.srcset = srcset(webp);
      pic.appendChild(source);
    }
    var img = el("img");
    img.width = item.width;
    img.height = item.height;
    img.alt = "";
    img.decoding = "async";
    if (lazy) img.loading = "lazy";
    img.sizes = sizes;
    if (jpeg.length) {
      img.srcset = srcset(jpeg);
      img.src = jpeg[0].url;
    }
    pic.appendChild(img);
    return pic;
  }
  function glyphs(item) {
    return item.rating ? Array(item.rating + 1).join("\u2605") + Array(6 - item.rating).join("\u2606") + " " : "";
  }
  function rated(item, words) { // the rating in words: a screen reader reads star glyphs one by one
    return (words.rating || "%(n)s out of 5 stars").replace("%(n)s", String(item.rating));
  }
  function who(item, anonymous) {
    return (item.nickname || anonymous) + (item.caption ? " \u00b7 " + item.caption : "");
  }
  function caption(item, anonymous) {
    return glyphs(item) + who(item, anonymous);
  }
  function spoken(item, anonymous, words) {
    var rating = item.rating ? rated(item, words) + (words.comma || ", ") : "";
    return rating + (item.nickname || anonymous) + (item.caption ? (words.stop || ". ") + item.caption : "");
  }
  function captionInto(node, item, anonymous, words) { // shown with glyphs, read with words
    node.textContent = "";
    if (item.rating) {
      node.appendChild(text("span", "kk-sr", rated(item, words) + (words.comma || ", ")));
      var stars = text("span", "", glyphs(item));
      stars.setAttribute("aria-hidden", "true");
      node.appendChild(stars);
    }
    node.appendChild(document.createTextNode(who(item, anonymous)));
  }
  function focusable(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("button, a[href]:not([hidden]), [tabindex]:not([tabindex='-1'])"),
      function (node) {
        return !node.disabled && node.offsetParent !== null && getComputedStyle(node).visibility !== "hidden";
      }
    );
  }

  function lightbox(doc, items, anonymous, words) {
    var dialog = el("dialog", "kk-d");
    dialog.setAttribute("aria-label", doc.name);
    var holder = el("div", "kk-ph");
    var cap = text("p", "kk-c", "");
    var count = text("p", "kk-n", "");
    var label = text("p", "kk-l", doc.label);
    var bar = el("div", "kk-bar");
    var prev = text("button", "kk-prev", "\u2190");
    var close = text("button", "kk-close", "\u00d7");
    var next = text("button", "kk-next", "\u2192");
    var link = text("a", "kk-p", words.product || "See this product");
    prev.type = close.type = next.type = "button";
    prev.setAttribute("aria-label", words.previous || "Previous photo");
    next.setAttribute("aria-label", words.next || "Next photo");
    close.setAttribute("aria-label", words.close || "Close");
    var top = el("div", "kk-top");
    top.appendChild(count); top.appendChild(close);
    bar.appendChild(prev); bar.appendChild(link); bar.appendChild(next);
    dialog.appendChild(top); dialog.appendChild(holder); dialog.appendChild(cap); dialog.appendChild(label);
    dialog.appendChild(bar);
    if (items.length < 2) { prev.style.visibility = "hidden"; next.style.visibility = "hidden"; }
    var index = 0, opener = null;
    function show(i, moved) {
      index = (i + items.length) % items.length;
      var item = items[index];
      holder.textContent = "";
      holder.appendChild(picture(item, "94vw", false, false));
      captionInto(cap, item, anonymous, words);
      count.textContent = (words.dialog || "Photo %(n)s of %(total)s")
        .replace("%(n)s", String(index + 1)).replace("%(total)s", String(items.length));
      var product = item.product && safeUrl(item.product.url) ? item.product : null;
      link.hidden = !product;
      if (product) {
        link.href = product.url;
        link.textContent = (words.product_named || "See this product: %(name)s").replace("%(name)s", product.name);
      } else link.removeAttribute("href");
      if (moved) send(doc.id, { k: "interaction", p: item.id });
    }
    link.addEventListener("click", function () {
      var item = items[index];
      if (item.product) productClick(doc.id, item.id, item.product.id);
    });
    prev.addEventListener("click", function () { show(index - 1, true); });
    next.addEventListener("click", function () { show(index + 1, true); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") show(index - 1, true);
      if (e.key === "ArrowRight") show(index + 1, true);
      if (e.key === "Tab") { // focus stays inside the open photo, both ways round
        var nodes = focusable(dialog);
        var first = nodes[0], last = nodes[nodes.length - 1];
        if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
      }
    });
    // Swipe on phones: a mostly sideways move of 40 px or more.
    var startX = null, startY = null;
    holder.addEventListener("touchstart", function (e) {
      if (e.touches.length !== 1) { startX = null; return; }
      startX = e.touches[0].clientX; startY = e.touches[0].clientY;
    }, { passive: true });
    holder.addEventListener("touchend", function (e) {
      if (startX === null || !e.changedTouches.length) return;
      var dx = e.changedTouches[0].clientX - startX, dy = e.changedTouches[0].clientY - startY;
      startX = null;
      if (Math.abs(dx) >= 40 && Math.abs(dx) > Math.abs(dy) && items.length > 1) show(index + (dx < 0 ? 1 : -1), true);
    });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); }); // the backdrop
    dialog.addEventListener("close", function () { if (opener) opener.focus(); });
    document.body.appendChild(dialog);
    return function open(i, button) {
      opener = button;
      show(i, false);
      send(doc.id, { k: "interaction", p: items[index].id });
      dialog.showModal(); // native modal: the page behind is inert, Escape closes
      close.focus();
    };
  }

  // A carousel scrolls sideways: a mouse without a wheel that tilts could not move it (a walk-through), so
  // it has previous / next buttons, one photo at a time, disabled at either end.
  function carouselButtons(list, words) {
    var bar = el("div", "kk-nav");
    var prev = el("button"), next = el("button");
    prev.type = next.type = "button";
    prev.textContent = "\u2039";
    next.textContent = "\u203a";
    prev.setAttribute("aria-label", words.previous || "Previous photo");
    next.setAttribute("aria-label", words.next || "Next photo");
    function step(direction) {
      var item = list.querySelector("li");
      var width = item ? item.getBoundingClientRect().width + 8 : list.clientWidth;
      list.scrollBy({ left: direction * width, behavior: "smooth" });
    }
    function update() {
      prev.disabled = list.scrollLeft <= 0;
      next.disabled = list.scrollLeft + list.clientWidth >= list.scrollWidth - 1;
    }
    prev.addEventListener("click", function () { step(-1); });
    next.addEventListener("click", function () { step(1); });
    bar.appendChild(prev);
    bar.appendChild(next);
    setTimeout(update, 0);
    return { bar: bar, update: update };
  }

  function render(host, doc) {
    var words = doc.labels || {}; // in the document's language: ?lang= or Accept-Language on the API
    var anonymous = host.getAttribute("data-anonymous-label") || words.anonymous || "Anonymous";
    var root = el("section", "kk-g kk-" + (doc.layout === "carousel" ? "carousel" : "grid"));
    root.setAttribute("aria-label", doc.name);
    root.appendChild(text("p", "kk-l", doc.label));
    var list = el("ul");
    var open = lightbox(doc, doc.items, anonymous, words);
    doc.items.forEach(function (item, i) {
      var li = el("li");
      li.setAttribute("data-kk-photo", item.id);
      var button = el("button", "kk-o");
      button.type = "button";
      button.setAttribute("aria-label", spoken(item, anonymous, words));
      button.appendChild(picture(item, "(max-width: 600px) 50vw, 300px", true, true));
      button.appendChild(text("span", "kk-c", caption(item, anonymous)));
      button.addEventListener("click", function () { open(i, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
    root.appendChild(list);
    if (doc.layout === "carousel") {
      var last = 0;
      var nav = carouselButtons(list, words);
      list.addEventListener("scroll", function () {
        nav.update();
        var now = Date.now();
        if (now - last > 2000) { last = now; send(doc.id, { k: "interaction" }); }
      }, { passive: true });
      root.appendChild(nav.bar);
    }
    host.textContent = "";
    host.appendChild(root);
    watch(root, doc.id, function (node) { return node.getAttribute("data-kk-photo"); });
  }

  // The iframe's server-made gallery (no JSON): count its impression and its product links.
  function enhance(section) {
    var gallery = section.getAttribute("data-kuchikomi-id");
    watch(section, gallery, function (node) { return node.getAttribute("data-kk-photo"); });
    section.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a[data-kk-product]");
      if (link) productClick(gallery, link.getAttribute("data-kk-for"), link.getAttribute("data-kk-product"));
    });
  }

  function boot() {
    Array.prototype.forEach.call(document.querySelectorAll("section[data-kuchikomi-id]:not([data-kk-ready])"), function (s) {
      s.setAttribute("data-kk-ready", "");
      enhance(s);
    });
    var hosts = document.querySelectorAll("[data-kuchikomi-gallery]:not([data-kk-ready])");
    if (hosts.length && !document.getElementById("kk-style")) {
      var style = text("style", "", CSS);
      style.id = "kk-style";
      document.head.appendChild(style);
    }
    Array.prototype.forEach.call(hosts, function (host) {
      host.setAttribute("data-kk-ready", "");
      var url = safeUrl(host.getAttribute("data-kuchikomi-gallery"));
      if (!url) return;
      var load = function (address) {
        return fetch(address, { mode: "cors", credentials: "omit" })
          .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
      };
      // The page's language (data-lang, else <html lang>): a snapshot's gallery.json has one file per
      // language beside it; the default one if the page's has none.
      var lang = (host.getAttribute("data-lang") || document.documentElement.lang || "").slice(0, 2).toLowerCase();
      var spoken = /^[a-z]{2}$/.test(lang) && /\/gallery\.json$/.test(url) ? url.replace(/gallery\.json$/, "gallery." + lang + ".json") : "";
      (spoken ? load(spoken).catch(function () { return load(url); }) : load(url))
        .then(function (doc) { render(host, doc); })
        .catch(function () { host.setAttribute("data-kk-error", ""); });
    });
  }

  // ---- conversions (the brand's thank-you page) ----------------------------------------------------------
  function conversion(order) {
    order = order || {};
    var now = Date.now();
    var body = {
      k: "conversion",
      pv: pageView,
      o: String(order.orderId == null ? "" : order.orderId),
      val: Number(order.value),
      cur: String(order.currency || "").toUpperCase(),
      pr: (order.products || []).slice(0, 50).map(String),
      t: touches().slice(-20).map(function (t) {
        return { g: String(t.g), p: String(t.p || ""), pr: String(t.pr || ""), c: t.c ? 1 : 0, a: Math.max(0, Math.round((now - t.t) / 1000)) || 0 };
      })
    };
    if (!body.t.length) return false; // no gallery was seen or clicked in this tab: nothing to attribute
    post(body);
    return true;
  }
  window.Kuchikomi = window.Kuchikomi || {};
  window.Kuchikomi.conversion = conversion;

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
