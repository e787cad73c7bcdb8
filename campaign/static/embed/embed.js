/*! Kuchikomi gallery embed: <div data-kuchikomi-gallery="SNAPSHOT-OR-API-URL"></div>
    <script async src=".../embed.js"></script>. No dependencies; captions are always text, never HTML. */
(function () {
  "use strict";
  var CSS =
    ".kk-g{font:14px/1.5 system-ui,sans-serif;color:#222}.kk-g .kk-l{font-size:12px;color:#555;margin:0 0 8px}" +
    ".kk-g ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}" +
    ".kk-g.kk-carousel ul{display:flex;overflow-x:auto;scroll-snap-type:x mandatory}" +
    ".kk-g.kk-carousel li{flex:0 0 70%;scroll-snap-align:start}" +
    ".kk-g button.kk-o{display:block;width:100%;padding:0;border:0;background:none;cursor:zoom-in;text-align:left;font:inherit;color:inherit}" +
    ".kk-g button.kk-o:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    ".kk-g picture{display:block;overflow:hidden}.kk-g img{display:block;width:100%;height:100%;object-fit:cover}" +
    ".kk-g .kk-c{display:block;font-size:13px;overflow-wrap:anywhere}" +
    "dialog.kk-d{max-width:min(92vw,900px);padding:12px;border:0;border-radius:6px}dialog.kk-d::backdrop{background:rgba(0,0,0,.8)}" +
    "dialog.kk-d img{max-width:100%;max-height:75vh;height:auto;display:block;margin:0 auto}" +
    "dialog.kk-d .kk-bar{display:flex;gap:8px;justify-content:space-between;margin-top:8px}";

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
    return /^https?:\/\//.test(url) ? url : "";
  }
  function picture(item, sizes, lazy) {
    var pic = el("picture");
    pic.style.aspectRatio = item.width + " / " + item.height; // the box is reserved before the image loads
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
  function caption(item, anonymous) {
    var stars = item.rating ? Array(item.rating + 1).join("\u2605") + Array(6 - item.rating).join("\u2606") + " " : "";
    return stars + (item.nickname || anonymous) + (item.caption ? " \u00b7 " + item.caption : "");
  }

  function lightbox(doc, items, anonymous, words) {
    var dialog = el("dialog", "kk-d");
    dialog.setAttribute("aria-label", doc.name);
    var holder = el("div");
    var cap = text("p", "kk-c", "");
    var label = text("p", "kk-l", doc.label);
    var bar = el("div", "kk-bar");
    var prev = text("button", "", "\u2190");
    var close = text("button", "", "\u00d7");
    var next = text("button", "", "\u2192");
    prev.type = close.type = next.type = "button";
    prev.setAttribute("aria-label", words.previous || "Previous photo");
    next.setAttribute("aria-label", words.next || "Next photo");
    close.setAttribute("aria-label", words.close || "Close");
    bar.appendChild(prev); bar.appendChild(close); bar.appendChild(next);
    dialog.appendChild(holder); dialog.appendChild(cap); dialog.appendChild(label); dialog.appendChild(bar);
    var index = 0, opener = null;
    function show(i) {
      index = (i + items.length) % items.length;
      var item = items[index];
      holder.textContent = "";
      holder.appendChild(picture(item, "90vw", false));
      cap.textContent = caption(item, anonymous);
    }
    prev.addEventListener("click", function () { show(index - 1); });
    next.addEventListener("click", function () { show(index + 1); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") show(index - 1);
      if (e.key === "ArrowRight") show(index + 1);
    });
    dialog.addEventListener("close", function () { if (opener) opener.focus(); });
    document.body.appendChild(dialog);
    return function open(i, button) {
      opener = button;
      show(i);
      dialog.showModal(); // native modal: focus stays inside, Escape closes
      close.focus();
    };
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
      var button = el("button", "kk-o");
      button.type = "button";
      button.setAttribute("aria-label", caption(item, anonymous));
      button.appendChild(picture(item, "(max-width: 600px) 50vw, 300px", true));
      button.appendChild(text("span", "kk-c", caption(item, anonymous)));
      button.addEventListener("click", function () { open(i, button); });
      li.appendChild(button);
      list.appendChild(li);
    });
    root.appendChild(list);
    host.textContent = "";
    host.appendChild(root);
  }

  function boot() {
    if (!document.getElementById("kk-style")) {
      var style = text("style", "", CSS);
      style.id = "kk-style";
      document.head.appendChild(style);
    }
    var hosts = document.querySelectorAll("[data-kuchikomi-gallery]:not([data-kk-ready])");
    Array.prototype.forEach.call(hosts, function (host) {
      host.setAttribute("data-kk-ready", "");
      var url = safeUrl(host.getAttribute("data-kuchikomi-gallery"));
      if (!url) return;
      fetch(url, { mode: "cors", credentials: "omit" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (doc) { render(host, doc); })
        .catch(function () { host.setAttribute("data-kk-error", ""); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
