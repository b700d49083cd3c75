// mulu public site: font size and print controls on guide pages. Works from a web server and from disk.
(function () {
  "use strict";
  var root = document.documentElement;
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* disk pages may refuse */ } }
  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  var size = parseInt(read("mulu-font") || "16", 10);
  function apply() { root.style.setProperty("--size", size + "px"); }
  apply();
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "font-up" || action === "font-down") {
      size = Math.max(12, Math.min(28, size + (action === "font-up" ? 2 : -2)));
      apply();
      store("mulu-font", String(size));
    } else if (action === "print-brief" || action === "print-full") {
      document.body.classList.toggle("print-full", action === "print-full");
      window.print();
    }
  });
})();
