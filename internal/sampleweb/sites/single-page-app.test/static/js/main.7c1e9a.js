/* A small single-page app: the header, footer and pages are built from JSON. */
(function () {
  "use strict";
  var root = document.getElementById("root");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) { e.textContent = text; }
    return e;
  }

  function links(items) {
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      var a = el("a", { href: it.href }, it.label);
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        history.pushState({}, "", it.href);
        route();
      });
      li.appendChild(a);
      ul.appendChild(li);
    });
    return ul;
  }

  function page(name, main) {
    fetch("/api/pages/" + name + ".json")
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (p) {
        main.innerHTML = "";
        main.appendChild(el("h1", {}, p.title));
        p.paragraphs.forEach(function (t) { main.appendChild(el("p", {}, t)); });
      })
      .catch(function () { main.textContent = "Page not found."; });
  }

  var site;
  function route() {
    root.innerHTML = "";
    var header = el("header");
    header.appendChild(el("a", { href: "/", "class": "brand" }, site.name));
    var nav = el("nav");
    nav.appendChild(links(site.menu));
    header.appendChild(nav);
    var main = el("main");
    var footer = el("footer");
    footer.appendChild(links(site.footer));
    footer.appendChild(el("p", {}, site.legal));
    root.appendChild(header);
    root.appendChild(main);
    root.appendChild(footer);
    var path = location.pathname.replace(/\/+$/, "");
    page(path === "" ? "home" : path.slice(1), main);
  }

  window.addEventListener("popstate", route);
  fetch("/api/site.json")
    .then(function (r) { return r.json(); })
    .then(function (s) { site = s; route(); });
})();
